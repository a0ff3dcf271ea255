//! Natural logarithm and exponential for the GFR equations, written so that a loop over a
//! column compiles to SIMD on any x86-64 or AArch64 target: no branches, no table look-ups,
//! only 64-bit integer and double arithmetic.
//!
//! Algorithms and coefficients are those of fdlibm 5.3 `e_log.c` and `e_exp.c`, as also used by
//! musl and FreeBSD's msun:
//!
//! > Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//! > Developed at SunSoft, a Sun Microsystems, Inc. business.
//! > Permission to use, copy, modify, and distribute this software is freely granted, provided
//! > that this notice is preserved.
//!
//! Differences from fdlibm: no special-value handling (zero, negative, subnormal, infinite and
//! NaN inputs, overflow), because callers pass only checked, positive, normal values within the
//! plausibility bounds of their analyte; the logarithm always takes fdlibm's "large f" branch
//! (both branches are within 1 ulp); integer↔double conversions use the 2^52 bias trick.
//! Accuracy, tested against the platform's libm: within 1 ulp for `ln` on [1e-3, 1e3] and for
//! `exp` on [−20, 20].

// fdlibm's literals are kept digit for digit, so that they can be checked against its source.
#![allow(clippy::excessive_precision)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// 1/ln 2 (fdlibm's `invln2`, 1.44269504088896338700e+00, is this same double).
const INV_LN2: f64 = std::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-01;
const P2: f64 = -2.777_777_777_701_559_338_42e-03;
const P3: f64 = 6.613_756_321_437_934_361_17e-05;
const P4: f64 = -1.653_390_220_546_525_153_90e-06;
const P5: f64 = 4.138_136_797_057_238_460_39e-08;
const LG1: f64 = 6.666_666_666_666_735_130e-01;
const LG2: f64 = 3.999_999_999_940_941_908e-01;
const LG3: f64 = 2.857_142_874_366_239_149e-01;
const LG4: f64 = 2.222_219_843_214_978_396e-01;
const LG5: f64 = 1.818_357_216_161_805_012e-01;
const LG6: f64 = 1.531_383_769_920_937_332e-01;
const LG7: f64 = 1.479_819_860_511_658_591e-01;
/// 1.5 × 2^52: adding it rounds a double of magnitude < 2^51 to an integer held in the low
/// mantissa bits.
const ROUNDING_BIAS: f64 = 6_755_399_441_055_744.0;
/// 2^52.
const TWO52: f64 = 4_503_599_627_370_496.0;

/// Natural logarithm of a positive, normal, finite `x` (see the module notes).
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let high = bits >> 32;
    let hx = high & 0x000f_ffff;
    // Normalise the mantissa into [√2/2, √2) and adjust the exponent.
    let i = (hx + 0x95f64) & 0x10_0000;
    let m = f64::from_bits(((hx | (i ^ 0x3ff0_0000)) << 32) | (bits & 0xffff_ffff));
    let biased_exponent = (high >> 20) + (i >> 20);
    let k = f64::from_bits(0x4330_0000_0000_0000 + biased_exponent) - (TWO52 + 1023.0);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// e^x for |x| < 700 (see the module notes).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let t = x * INV_LN2 + ROUNDING_BIAS;
    let k = t - ROUNDING_BIAS;
    let ki = t.to_bits().wrapping_sub(ROUNDING_BIAS.to_bits());
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    y * f64::from_bits(ki.wrapping_add(1023) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exact_at_one_and_zero() {
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn matches_libm_on_a_dense_grid() {
        let mut worst = (0, 0);
        for i in 0..200_000 {
            let x = 1e-3 * (1e6f64).powf(i as f64 / 200_000.0);
            worst.0 = worst.0.max(ulps(ln(x), x.ln()));
            let y = -20.0 + 40.0 * i as f64 / 200_000.0;
            worst.1 = worst.1.max(ulps(exp(y), y.exp()));
        }
        assert!(worst.0 <= 1 && worst.1 <= 1, "{worst:?}");
    }

    #[test]
    fn ln_of_one_is_exactly_positive_zero() {
        // `LogLinear::eval` skips the logarithm of an unused term (x = 1) on this ground.
        assert_eq!(ln(1.0).to_bits(), 0.0f64.to_bits());
    }

    proptest! {
        /// Within 1 ulp of libm for the inputs the equations give.
        #[test]
        fn ln_within_one_ulp(x in 1e-3f64..1e3) {
            prop_assert!(ulps(ln(x), x.ln()) <= 1);
        }

        /// Within 1 ulp of libm for the exponents the equations give.
        #[test]
        fn exp_within_one_ulp(x in -20.0f64..20.0) {
            prop_assert!(ulps(exp(x), x.exp()) <= 1);
        }

        /// The round trip exp(ln(x)) returns x to a few ulps.
        #[test]
        fn exp_ln_round_trip(x in 1e-3f64..1e3) {
            prop_assert!((exp(ln(x)) - x).abs() <= 4.0 * f64::EPSILON * x);
        }
    }
}
