//! The per-thread kernel of the eGFR batch, compiled twice: for the baseline instruction set
//! of the wheel (x86-64 SSE2) and for AVX2, chosen at run time by what the CPU offers.
//!
//! Core is `#![forbid(unsafe_code)]`, and calling a function compiled for instructions the
//! baseline lacks is `unsafe` in Rust (the caller vouches that the CPU has them). So this one
//! dispatch lives here (ADR 0005). Both paths run the same always-inlined core code
//! ([`CheckedBatch::fill_rows`]); Rust never fuses a multiply and an add on its own, so both give
//! the same bits, which `tests/python/test_binding.py` checks.
#![allow(unsafe_code)]

use amimestrocel_dkd::egfr::{CheckedBatch, EgfrError};

/// Which compiled kernel a batch uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The wheel's baseline instruction set.
    Baseline,
    /// AVX2 with FMA (four doubles per instruction instead of two).
    Avx2,
}

impl Kernel {
    /// The widest kernel this CPU runs.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return Kernel::Avx2;
        }
        Kernel::Baseline
    }

    /// `baseline` or `avx2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kernel::Baseline => "baseline",
            Kernel::Avx2 => "avx2",
        }
    }

    /// Fills one thread's rows with this kernel.
    pub fn fill(
        self,
        batch: &CheckedBatch<'_>,
        start: usize,
        out: &mut [f64],
        codes: &mut [u8],
    ) -> Result<(), EgfrError> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") => {
                // SAFETY: `fill_avx2` is compiled with AVX2 and FMA, and the CPU has both
                // (checked on this line; each check is a cached load). That is its only
                // requirement.
                unsafe { fill_avx2(batch, start, out, codes) }
            }
            _ => batch.fill_rows(start, out, codes),
        }
    }
}

/// [`CheckedBatch::fill_rows`] compiled with AVX2 and FMA (the x86-64-v3 vector set that was
/// measured; Rust never contracts `a * b + c` into a fused multiply-add on its own, so FMA
/// changes no result).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn fill_avx2(batch: &CheckedBatch<'_>, start: usize, out: &mut [f64], codes: &mut [u8]) -> Result<(), EgfrError> {
    batch.fill_rows(start, out, codes)
}
