//! Point-in-polygon lookups over a district of 453 grids (run: `cargo bench -p pingan-geo`).
//! The demo district tiles its grids the same way; see docs/benchmarks.md for the figures.

use pingan_geo::{GridIndex, Polygon};

fn main() {
    divan::main();
}

/// 453 rectangles tiled over 107.36–107.64°E, 31.06–31.36°N, like the demo district.
fn district() -> GridIndex {
    GridIndex::new(district_grids())
}

fn district_grids() -> Vec<(String, Polygon)> {
    let (cols, rows) = (21u32, 22u32);
    let (w, h) = (0.28 / f64::from(cols), 0.30 / f64::from(rows));
    let mut grids = Vec::new();
    for i in 0..453u32 {
        let (r, c) = (i / cols, i % cols);
        let (x, y) = (107.36 + f64::from(c) * w, 31.06 + f64::from(r) * h);
        let ring = vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]];
        if let Ok(p) = Polygon::from_ring(ring) {
            grids.push((format!("{i:03}"), p));
        }
    }
    grids
}

/// A pseudo-random point generator over the district's extent (xorshift64).
fn points() -> impl FnMut() -> (f64, f64) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let fx = (state & 0xffff) as f64 / 65535.0;
        let fy = ((state >> 16) & 0xffff) as f64 / 65535.0;
        (107.36 + fx * 0.28, 31.06 + fy * 0.30)
    }
}

/// One lookup of a pseudo-random point in the district's extent, through the R-tree.
#[divan::bench(sample_count = 200, sample_size = 1000)]
fn locate_indexed(bencher: divan::Bencher) {
    let idx = district();
    let mut next = points();
    bencher.bench_local(|| {
        let (lon, lat) = next();
        divan::black_box(idx.locate(lon, lat));
    });
}

/// The same lookup by testing every polygon in turn: the baseline the index is measured against.
#[divan::bench(sample_count = 200, sample_size = 1000)]
fn locate_linear_scan(bencher: divan::Bencher) {
    let grids = district_grids();
    let mut next = points();
    bencher.bench_local(|| {
        let (lon, lat) = next();
        divan::black_box(
            grids
                .iter()
                .find(|(_, p)| p.contains(lon, lat))
                .map(|(c, _)| c),
        );
    });
}
