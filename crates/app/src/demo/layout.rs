//! Tiling the district's extent into township, village and grid rectangles.
//!
//! The demo district has no surveyed boundaries, so it tiles a box of about 900 km² around
//! 107.5°E 31.2°N: three bands of townships (the five 街道 in the middle band), each township cut
//! into its villages and each village into its grids, with widths varied by the seeded generator
//! so that the map does not look like graph paper. Rectangles share edges exactly, so every
//! point of the extent lies in one grid.

use super::rng::SplitMix64;

/// An axis-aligned box in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// The demo district's extent: 0.28° × 0.30° ≈ 26.7 km × 33.3 km ≈ 890 km².
pub const DISTRICT_EXTENT: Rect = Rect {
    west: 107.36,
    south: 31.06,
    east: 107.64,
    north: 31.36,
};

/// Kilometres per degree of longitude at 31.2°N and of latitude.
const KM_PER_DEG_LON: f64 = 95.2;
const KM_PER_DEG_LAT: f64 = 111.0;

impl Rect {
    /// The closed ring `[lon, lat]` of this box, counter-clockwise.
    pub fn ring(&self) -> Vec<[f64; 2]> {
        vec![
            [self.west, self.south],
            [self.east, self.south],
            [self.east, self.north],
            [self.west, self.north],
            [self.west, self.south],
        ]
    }

    pub fn centre(&self) -> [f64; 2] {
        [
            (self.west + self.east) / 2.0,
            (self.south + self.north) / 2.0,
        ]
    }

    /// Cuts the box into horizontal bands of the given relative heights, south to north.
    pub fn bands(&self, weights: &[f64]) -> Vec<Rect> {
        cut(self.south, self.north, weights)
            .into_iter()
            .map(|(s, n)| Rect {
                south: s,
                north: n,
                ..*self
            })
            .collect()
    }

    /// Cuts the box into columns of the given relative widths, west to east.
    pub fn columns(&self, weights: &[f64]) -> Vec<Rect> {
        cut(self.west, self.east, weights)
            .into_iter()
            .map(|(w, e)| Rect {
                west: w,
                east: e,
                ..*self
            })
            .collect()
    }

    /// Cuts the box into `n` pieces of similar area and roughly square shape: rows of cells,
    /// with cell widths and row heights varied by ±25 % from the generator.
    pub fn split(&self, n: usize, rng: &mut SplitMix64) -> Vec<Rect> {
        if n <= 1 {
            return vec![*self];
        }
        let w_km = (self.east - self.west) * KM_PER_DEG_LON;
        let h_km = (self.north - self.south) * KM_PER_DEG_LAT;
        let rows = ((n as f64 * h_km / w_km).sqrt().round() as usize).clamp(1, n);
        let (base, extra) = (n / rows, n % rows);
        let row_sizes: Vec<usize> = (0..rows).map(|r| base + usize::from(r < extra)).collect();
        let row_weights: Vec<f64> = row_sizes
            .iter()
            .map(|k| *k as f64 * rng.vary(0.25))
            .collect();
        self.bands(&row_weights)
            .into_iter()
            .zip(row_sizes)
            .flat_map(|(band, k)| {
                let w: Vec<f64> = (0..k).map(|_| rng.vary(0.25)).collect();
                band.columns(&w)
            })
            .collect()
    }
}

/// Cuts `[from, to]` into consecutive intervals proportional to `weights`; the last one ends
/// exactly at `to`, so neighbours share their edges bit for bit.
fn cut(from: f64, to: f64, weights: &[f64]) -> Vec<(f64, f64)> {
    let total: f64 = weights.iter().sum();
    let mut at = from;
    let mut acc = 0.0;
    let last = weights.len().saturating_sub(1);
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            acc += w;
            let end = if i == last {
                to
            } else {
                from + (to - from) * acc / total
            };
            let piece = (at, end);
            at = end;
            piece
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(r: &Rect) -> f64 {
        (r.east - r.west) * (r.north - r.south)
    }

    #[test]
    fn split_tiles_the_box_exactly() {
        let mut rng = SplitMix64::new(7);
        for n in [1, 2, 3, 7, 14, 24] {
            let parts = DISTRICT_EXTENT.split(n, &mut rng);
            assert_eq!(parts.len(), n);
            let total: f64 = parts.iter().map(area).sum();
            assert!((total - area(&DISTRICT_EXTENT)).abs() < 1e-9, "n={n}");
            for p in &parts {
                assert!(p.west >= DISTRICT_EXTENT.west && p.east <= DISTRICT_EXTENT.east);
                assert!(p.south >= DISTRICT_EXTENT.south && p.north <= DISTRICT_EXTENT.north);
                assert!(p.east > p.west && p.north > p.south);
            }
        }
    }

    #[test]
    fn cut_ends_exactly() {
        let parts = cut(0.1, 0.7, &[1.0, 2.0, 3.0]);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].0, 0.1);
        assert_eq!(parts[2].1, 0.7);
        assert_eq!(parts[0].1, parts[1].0);
    }
}
