//! 路段与部位 — a line (重点路段) or an area (重点部位) in WGS-84, and how near a piece of a patrol's
//! track came to it. Distances are in metres on a local plane around the shape (equirectangular):
//! within the few kilometres a shape spans the error is far below a phone's GPS error.

use crate::coord::{EARTH_RADIUS_M, degrees_around};

/// A key line or area: its points (longitude, latitude), and whether the last joins the first
/// (an area, where a point inside is at distance 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The first point: the origin of the local plane.
    origin: (f64, f64),
    points: Vec<(f64, f64)>,
    closed: bool,
    /// The box holding every point: (min lon, min lat, max lon, max lat).
    bbox: (f64, f64, f64, f64),
}

impl Shape {
    /// A line through `points` (one point: a spot), or an area when `closed` and at least three.
    pub fn new(points: Vec<(f64, f64)>, closed: bool) -> Option<Self> {
        let origin = *points.first()?;
        if closed && points.len() < 3 {
            return None;
        }
        let bbox = points.iter().fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(a, b, c, d), &(lon, lat)| (a.min(lon), b.min(lat), c.max(lon), d.max(lat)),
        );
        Some(Self {
            origin,
            points,
            closed,
            bbox,
        })
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    pub fn closed(&self) -> bool {
        self.closed
    }

    /// Whether a piece from `a` to `b` may come within `metres` (a cheap box test first).
    pub fn near_box(&self, a: (f64, f64), b: (f64, f64), metres: f64) -> bool {
        let (dlon, dlat) = degrees_around(self.bbox.1, metres);
        let (min_lon, max_lon) = (a.0.min(b.0), a.0.max(b.0));
        let (min_lat, max_lat) = (a.1.min(b.1), a.1.max(b.1));
        max_lon >= self.bbox.0 - dlon
            && min_lon <= self.bbox.2 + dlon
            && max_lat >= self.bbox.1 - dlat
            && min_lat <= self.bbox.3 + dlat
    }

    /// The least distance in metres between the piece `a`–`b` (a point when equal) and the shape.
    pub fn distance_m(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        let origin = self.origin;
        let plane = |p: (f64, f64)| {
            let k = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
            (
                (p.0 - origin.0) * k * origin.1.to_radians().cos(),
                (p.1 - origin.1) * k,
            )
        };
        let (pa, pb) = (plane(a), plane(b));
        let ring: Vec<(f64, f64)> = self.points.iter().map(|&p| plane(p)).collect();
        if self.closed && (inside(&ring, pa) || inside(&ring, pb)) {
            return 0.0;
        }
        if let [only] = ring.as_slice() {
            return point_to_piece(*only, pa, pb);
        }
        let mut edges: Vec<((f64, f64), (f64, f64))> = ring
            .iter()
            .copied()
            .zip(ring.iter().copied().skip(1))
            .collect();
        if self.closed
            && let (Some(&last), Some(&first)) = (ring.last(), ring.first())
        {
            edges.push((last, first));
        }
        edges
            .into_iter()
            .map(|(c, d)| pieces_distance(pa, pb, c, d))
            .fold(f64::MAX, f64::min)
    }
}

/// The least distance between the pieces p1–p2 and q1–q2 on the plane.
fn pieces_distance(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> f64 {
    if cross(p1, p2, q1, q2) {
        return 0.0;
    }
    point_to_piece(p1, q1, q2)
        .min(point_to_piece(p2, q1, q2))
        .min(point_to_piece(q1, p1, p2))
        .min(point_to_piece(q2, p1, p2))
}

/// The distance from `p` to the piece `a`–`b`.
fn point_to_piece(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
}

/// Whether the pieces p1–p2 and q1–q2 cross (proper crossings; touching is caught by distance).
fn cross(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let (d1, d2) = (side(q1, q2, p1), side(q1, q2, p2));
    let (d3, d4) = (side(p1, p2, q1), side(p1, p2, q2));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Even–odd ray cast on the plane.
fn inside(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut inside = false;
    let Some(mut b) = ring.last().copied() else {
        return false;
    };
    for &a in ring {
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
        b = a;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coord::distance_m;
    use proptest::prelude::*;

    /// About 1 m in degrees of latitude.
    const M: f64 = 1.0 / 111_195.0;
    const ORIGIN: (f64, f64) = (107.468, 31.209);

    fn north(p: (f64, f64), metres: f64) -> (f64, f64) {
        (p.0, p.1 + metres * M)
    }

    fn east(p: (f64, f64), metres: f64) -> (f64, f64) {
        (p.0 + metres * M / ORIGIN.1.to_radians().cos(), p.1)
    }

    #[test]
    fn a_street_a_spot_and_an_area() {
        let street = Shape::new(vec![ORIGIN, east(ORIGIN, 500.0)], false).unwrap();
        // A walk along the street 30 m north of it, and one crossing it.
        let along = (north(ORIGIN, 30.0), north(east(ORIGIN, 400.0), 30.0));
        assert!((street.distance_m(along.0, along.1) - 30.0).abs() < 0.5);
        let across = (
            north(east(ORIGIN, 250.0), 80.0),
            north(east(ORIGIN, 250.0), -80.0),
        );
        assert_eq!(street.distance_m(across.0, across.1), 0.0);
        // Beyond its end.
        let past = east(ORIGIN, 560.0);
        assert!((street.distance_m(past, past) - 60.0).abs() < 0.5);

        let gate = Shape::new(vec![ORIGIN], false).unwrap();
        let p = north(ORIGIN, 40.0);
        assert!((gate.distance_m(p, p) - distance_m(ORIGIN, p)).abs() < 0.5);

        let square = Shape::new(
            vec![
                ORIGIN,
                east(ORIGIN, 100.0),
                north(east(ORIGIN, 100.0), 100.0),
                north(ORIGIN, 100.0),
            ],
            true,
        )
        .unwrap();
        let centre = north(east(ORIGIN, 50.0), 50.0);
        assert_eq!(square.distance_m(centre, centre), 0.0);
        let outside = north(east(ORIGIN, 50.0), 130.0);
        assert!((square.distance_m(outside, outside) - 30.0).abs() < 0.5);
        assert!(Shape::new(vec![ORIGIN, east(ORIGIN, 1.0)], true).is_none());
    }

    proptest! {
        /// A piece parallel to a street at `d` metres is `d` away, whatever the street's length.
        #[test]
        fn a_parallel_piece_is_as_far_as_its_offset(
            d in 0.0f64..400.0,
            len in 20.0f64..2_000.0,
            from in 0.0f64..0.9,
        ) {
            let street = Shape::new(vec![ORIGIN, east(ORIGIN, len)], false).unwrap();
            let a = north(east(ORIGIN, len * from), d);
            let b = north(east(ORIGIN, len * (from + 0.05)), d);
            prop_assert!((street.distance_m(a, b) - d).abs() < 0.01 * d + 0.5);
            prop_assert_eq!(street.near_box(a, b, d + 5.0), true);
        }

        /// The box test never refuses a piece that is within the distance.
        #[test]
        fn the_box_never_refuses_what_is_near(
            dx in -800.0f64..800.0, dy in -800.0f64..800.0, radius in 10.0f64..500.0,
        ) {
            let gate = Shape::new(vec![ORIGIN, east(ORIGIN, 30.0)], false).unwrap();
            let p = north(east(ORIGIN, dx), dy);
            if gate.distance_m(p, p) <= radius {
                prop_assert!(gate.near_box(p, p, radius));
            }
        }
    }
}
