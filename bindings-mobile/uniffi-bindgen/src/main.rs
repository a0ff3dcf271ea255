//! uniffi's bindgen for the mobile bindings, in the version the mobile crate uses. It reads the
//! bindings' metadata from the built library (library mode), so it does not depend on the
//! mobile crate or on core:
//!
//! ```text
//! cargo build -p amimestrocel-dkd-mobile
//! cargo run --manifest-path bindings-mobile/uniffi-bindgen/Cargo.toml -- \
//!     generate target/debug/libamimestrocel_dkd_mobile.so --language kotlin --out-dir out
//! ```
//!
//! Run it from the repository's root (the workspace of the mobile crate): it finds `bindings-mobile/uniffi.toml` (package names,
//! the Swift date type) through `cargo metadata`.
fn main() {
    uniffi::uniffi_bindgen_main()
}
