//! Throughput of the security core on one core (run: `cargo bench -p pingan-crypto`); figures in
//! docs/benchmarks.md. argon2id uses the crate's defaults: m = 19 MiB, t = 2, p = 1.

use pingan_crypto::{FieldCipher, MasterKey, hash_password, verify_password};
use std::sync::Arc;

fn main() {
    divan::main();
}

fn cipher() -> FieldCipher {
    FieldCipher::new(Arc::new(MasterKey::from_bytes([42; 32])))
}

/// Sealing one ID number and computing its blind index, as a registry write does.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn seal_and_index_id_number(bencher: divan::Bencher) {
    let c = cipher();
    bencher.bench_local(|| {
        let sealed = c.seal("persons.id_number", divan::black_box("51170219800101123X"));
        let index = c.blind_index("persons.id_number", divan::black_box("51170219800101123X"));
        divan::black_box((sealed, index))
    });
}

/// Opening one sealed ID number, as a masked list does for every row.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn open_id_number(bencher: divan::Bencher) {
    let c = cipher();
    let sealed = c
        .seal("persons.id_number", "51170219800101123X")
        .unwrap_or_default();
    bencher
        .bench_local(|| divan::black_box(c.open("persons.id_number", divan::black_box(&sealed))));
}

/// Verifying one password: the CPU cost of one login.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn verify_login_password(bencher: divan::Bencher) {
    let hash = hash_password("Tongchuan#2026").unwrap_or_default();
    bencher.bench_local(|| {
        divan::black_box(verify_password(divan::black_box("Tongchuan#2026"), &hash))
    });
}
