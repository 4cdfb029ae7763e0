//! Laying the demo's grids out inside the district's real outline.
//!
//! The demo has no surveyed grid boundaries, so it covers the real outline of 通川区 with a
//! lattice of square cells, keeps those wholly inside it, and walks them along a Hilbert curve,
//! which keeps consecutive cells together: each township takes a run of cells, each village a run
//! within its township's, each rural grid one cell (or two neighbouring ones where cells are left
//! over), and each dense 街道 community's grids share cells cut into halves and quarters. Every
//! grid therefore lies inside the outline and no two overlap; the lines themselves are synthetic.

use pingan_geo::Polygon;

/// An axis-aligned box in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// Degrees of longitude per degree of latitude for a square on the ground at 31.3°N.
const LON_PER_LAT: f64 = 1.17;

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

    fn corners(&self) -> [[f64; 2]; 4] {
        [
            [self.west, self.south],
            [self.east, self.south],
            [self.east, self.north],
            [self.west, self.north],
        ]
    }

    /// Whether the box lies wholly inside `outline`: its corners and centre inside, and no vertex
    /// of the outline strictly within it (where the outline dents into the box).
    fn inside(&self, outline: &Polygon, vertices: &[[f64; 2]]) -> bool {
        let [x, y] = self.centre();
        self.corners().iter().all(|c| outline.contains(c[0], c[1]))
            && outline.contains(x, y)
            && !vertices.iter().any(|v| {
                v[0] > self.west && v[0] < self.east && v[1] > self.south && v[1] < self.north
            })
    }

    /// The box joined with `other` when the two share a whole edge (a rectangle again).
    pub fn join(&self, other: &Rect) -> Option<Rect> {
        let same = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let stacked = same(self.west, other.west) && same(self.east, other.east);
        let side_by_side = same(self.south, other.south) && same(self.north, other.north);
        let touch_ns = same(self.north, other.south) || same(self.south, other.north);
        let touch_we = same(self.east, other.west) || same(self.west, other.east);
        ((stacked && touch_ns) || (side_by_side && touch_we)).then(|| Rect {
            west: self.west.min(other.west),
            south: self.south.min(other.south),
            east: self.east.max(other.east),
            north: self.north.max(other.north),
        })
    }

    /// The box cut into `k` (1 to 4) grids: whole, two halves, two quarters and a half, or four
    /// quarters.
    pub fn split(&self, k: usize) -> Vec<Rect> {
        let [mx, my] = self.centre();
        let west = Rect { east: mx, ..*self };
        let east = Rect { west: mx, ..*self };
        let quarter = |r: Rect| [Rect { north: my, ..r }, Rect { south: my, ..r }];
        match k {
            0 | 1 => vec![*self],
            2 => vec![west, east],
            3 => {
                let [sw, nw] = quarter(west);
                vec![sw, nw, east]
            }
            _ => {
                let [sw, nw] = quarter(west);
                let [se, ne] = quarter(east);
                vec![sw, nw, ne, se]
            }
        }
    }
}

/// The cells of a lattice of `size` degrees of latitude that lie wholly inside `outline`, in
/// Hilbert-curve order.
fn cells_inside(outline: &Polygon, vertices: &[[f64; 2]], size: f64) -> Vec<Rect> {
    let (min, max) = outline.bbox();
    // A hair inside the box, so that corners on a straight edge of the outline count as inside.
    let min = [min[0] + 1e-9, min[1] + 1e-9];
    let (w, h) = (size * LON_PER_LAT, size);
    let cols = ((max[0] - min[0]) / w).ceil() as usize;
    let rows = ((max[1] - min[1]) / h).ceil() as usize;
    let order = cols.max(rows).next_power_of_two();
    let mut cells: Vec<(u64, Rect)> = Vec::new();
    for i in 0..cols {
        for j in 0..rows {
            let cell = Rect {
                west: min[0] + i as f64 * w,
                south: min[1] + j as f64 * h,
                east: min[0] + (i + 1) as f64 * w,
                north: min[1] + (j + 1) as f64 * h,
            };
            if cell.inside(outline, vertices) {
                cells.push((hilbert(order, i, j), cell));
            }
        }
    }
    cells.sort_by_key(|(d, _)| *d);
    cells.into_iter().map(|(_, c)| c).collect()
}

/// The largest lattice of cells inside the outline `ring` that still gives at least `needed` of
/// them (fewer only if even the finest lattice tried has fewer).
pub fn lattice(ring: &[[f64; 2]], needed: usize) -> Vec<Rect> {
    let Ok(outline) = Polygon::from_ring(ring.to_vec()) else {
        return Vec::new();
    };
    let (mut lo, mut hi) = (0.002_f64, 0.5_f64);
    for _ in 0..30 {
        let mid = (lo + hi) / 2.0;
        if cells_inside(&outline, ring, mid).len() >= needed {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    cells_inside(&outline, ring, lo)
}

/// The position of cell `(x, y)` along the Hilbert curve filling an `n` × `n` square (`n` a power
/// of two).
fn hilbert(n: usize, mut x: usize, mut y: usize) -> u64 {
    let mut d: u64 = 0;
    let mut s = n / 2;
    while s > 0 {
        let rx = usize::from(x & s > 0);
        let ry = usize::from(y & s > 0);
        d += (s as u64) * (s as u64) * ((3 * rx) ^ ry) as u64;
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Vec<[f64; 2]> {
        vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    }

    #[test]
    fn hilbert_order_visits_neighbours_in_turn() {
        let n = 8;
        let mut order: Vec<(u64, (usize, usize))> = (0..n)
            .flat_map(|x| (0..n).map(move |y| (hilbert(n, x, y), (x, y))))
            .collect();
        order.sort();
        let positions: Vec<u64> = order.iter().map(|(d, _)| *d).collect();
        assert_eq!(positions, (0..64).collect::<Vec<_>>(), "a permutation");
        for pair in order.windows(2) {
            let ((a, b), (c, d)) = (pair[0].1, pair[1].1);
            assert_eq!(a.abs_diff(c) + b.abs_diff(d), 1, "{pair:?}");
        }
    }

    #[test]
    fn a_lattice_gives_at_least_what_is_needed_inside_the_outline() {
        // An L-shaped outline: the notch holds no cell.
        let ring = vec![
            [0.0, 0.0],
            [2.0, 0.0],
            [2.0, 1.0],
            [1.0, 1.0],
            [1.0, 2.0],
            [0.0, 2.0],
            [0.0, 0.0],
        ];
        let outline = Polygon::from_ring(ring.clone()).unwrap();
        let cells = lattice(&ring, 30);
        assert!(cells.len() >= 30 && cells.len() < 60, "{}", cells.len());
        for c in &cells {
            let [x, y] = c.centre();
            assert!(outline.contains(x, y), "{c:?}");
            assert!(
                c.corners()
                    .iter()
                    .all(|p| p[0] <= 2.0 + 1e-9 && p[1] <= 2.0 + 1e-9)
            );
            assert!(
                !(c.west >= 1.0 - 1e-9 && c.south >= 1.0 - 1e-9),
                "{c:?} in the notch"
            );
        }
        assert!(!lattice(&square(), 1).is_empty());
    }

    #[test]
    fn cells_split_into_halves_and_quarters_and_join_along_an_edge() {
        let cell = Rect {
            west: 0.0,
            south: 0.0,
            east: 2.0,
            north: 2.0,
        };
        for k in 1..=4 {
            let parts = cell.split(k);
            assert_eq!(parts.len(), k);
            let area: f64 = parts
                .iter()
                .map(|r| (r.east - r.west) * (r.north - r.south))
                .sum();
            assert!((area - 4.0).abs() < 1e-12, "k={k}");
        }
        let right = Rect {
            west: 2.0,
            east: 3.0,
            ..cell
        };
        assert_eq!(cell.join(&right), Some(Rect { east: 3.0, ..cell }));
        let corner = Rect {
            west: 2.0,
            south: 2.0,
            east: 3.0,
            north: 3.0,
        };
        assert_eq!(cell.join(&corner), None);
    }
}
