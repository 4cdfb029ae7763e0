//! 网格定位 — which grid a point lies in.

use crate::Polygon;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree over grid polygons, answering "which grid holds this WGS-84 point?".
#[derive(Debug, Default)]
pub struct GridIndex {
    tree: RTree<Entry>,
    grids: Vec<(String, Polygon)>,
}

impl GridIndex {
    /// Builds the index from `(grid code, polygon)` pairs.
    pub fn new(grids: Vec<(String, Polygon)>) -> Self {
        let entries = grids
            .iter()
            .enumerate()
            .map(|(i, (_, poly))| {
                let (min, max) = poly.bbox();
                GeomWithData::new(Rectangle::from_corners(min, max), i)
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            grids,
        }
    }

    /// The code of the grid containing the point, if any. Where polygons overlap (bad data), the
    /// one listed first wins, so the answer is stable.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&str> {
        let point = AABB::from_point([lon, lat]);
        self.tree
            .locate_in_envelope_intersecting(&point)
            .map(|e| e.data)
            .filter(|i| {
                self.grids
                    .get(*i)
                    .is_some_and(|(_, p)| p.contains(lon, lat))
            })
            .min()
            .and_then(|i| self.grids.get(i))
            .map(|(code, _)| code.as_str())
    }

    /// Number of grids indexed.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A 20 × 20 chessboard of unit squares from (100, 30), coded by row and column.
    fn board() -> GridIndex {
        let mut grids = Vec::new();
        for r in 0..20 {
            for c in 0..20 {
                // Neighbours share their edges bit for bit, as in a real tiling.
                let (x0, x1) = (100.0 + f64::from(c) * 0.01, 100.0 + f64::from(c + 1) * 0.01);
                let (y0, y1) = (30.0 + f64::from(r) * 0.01, 30.0 + f64::from(r + 1) * 0.01);
                let ring = vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
                grids.push((format!("{r:02}{c:02}"), Polygon::from_ring(ring).unwrap()));
            }
        }
        GridIndex::new(grids)
    }

    #[test]
    fn outside_is_none() {
        let idx = board();
        assert_eq!(idx.len(), 400);
        assert_eq!(idx.locate(99.0, 30.05), None);
        assert_eq!(idx.locate(100.05, 31.0), None);
        assert_eq!(GridIndex::default().locate(100.0, 30.0), None);
    }

    proptest! {
        #[test]
        fn every_inner_point_finds_its_square(r in 0u32..20, c in 0u32..20, fx in 0.01f64..0.99, fy in 0.01f64..0.99) {
            let idx = board();
            let lon = 100.0 + (f64::from(c) + fx) * 0.01;
            let lat = 30.0 + (f64::from(r) + fy) * 0.01;
            let expected = format!("{r:02}{c:02}");
            prop_assert_eq!(idx.locate(lon, lat), Some(expected.as_str()));
        }

        #[test]
        fn points_on_shared_edges_land_in_exactly_one_square(r in 1u32..19, c in 1u32..19, f in 0.01f64..0.99) {
            let idx = board();
            // A point on the vertical edge between columns c-1 and c.
            let lon = 100.0 + f64::from(c) * 0.01;
            let lat = 30.0 + (f64::from(r) + f) * 0.01;
            let hits = idx.grids.iter().filter(|(_, p)| p.contains(lon, lat)).count();
            prop_assert_eq!(hits, 1);
            prop_assert!(idx.locate(lon, lat).is_some());
        }
    }
}
