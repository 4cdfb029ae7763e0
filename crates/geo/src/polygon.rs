//! Polygons as GeoJSON describes them: rings of `[lon, lat]` in WGS-84.

use serde_json::{Value, json};

/// What is wrong with a GeoJSON geometry offered as a grid boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    #[error("边界不是合法的 GeoJSON: {0}")]
    Json(String),
    #[error("边界应为 GeoJSON Polygon 或 MultiPolygon，收到的是 {0}")]
    WrongType(String),
    #[error("边界的环至少需要 4 个坐标点且首尾相同")]
    BadRing,
    #[error("坐标超出经纬度范围（经度 -180~180，纬度 -90~90）")]
    OutOfRange,
}

/// 网格边界 — one or more areas, each an outer ring with optional holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// Each part: the outer ring first, then holes. Rings are closed (first point = last point).
    parts: Vec<Vec<Vec<[f64; 2]>>>,
}

impl Polygon {
    /// A polygon from one closed outer ring.
    pub fn from_ring(ring: Vec<[f64; 2]>) -> Result<Self, GeoError> {
        Self::from_parts(vec![vec![ring]])
    }

    fn from_parts(parts: Vec<Vec<Vec<[f64; 2]>>>) -> Result<Self, GeoError> {
        if parts.is_empty() {
            return Err(GeoError::BadRing);
        }
        for ring in parts.iter().flatten() {
            if ring.len() < 4 || ring.first() != ring.last() {
                return Err(GeoError::BadRing);
            }
            if ring
                .iter()
                .any(|[x, y]| !(-180.0..=180.0).contains(x) || !(-90.0..=90.0).contains(y))
            {
                return Err(GeoError::OutOfRange);
            }
        }
        Ok(Self { parts })
    }

    /// Reads a GeoJSON `Polygon` or `MultiPolygon` geometry (a bare geometry object, not a Feature).
    pub fn from_geojson(text: &str) -> Result<Self, GeoError> {
        let v: Value = serde_json::from_str(text).map_err(|e| GeoError::Json(e.to_string()))?;
        let kind = v.get("type").and_then(Value::as_str).unwrap_or("无类型");
        let coords = v.get("coordinates").cloned().unwrap_or(Value::Null);
        let bad_ring = |_| GeoError::BadRing;
        match kind {
            "Polygon" => Self::from_parts(vec![serde_json::from_value(coords).map_err(bad_ring)?]),
            "MultiPolygon" => Self::from_parts(serde_json::from_value(coords).map_err(bad_ring)?),
            other => Err(GeoError::WrongType(other.to_owned())),
        }
    }

    /// The GeoJSON geometry text of this polygon.
    pub fn to_geojson(&self) -> String {
        match self.parts.as_slice() {
            [one] => json!({"type": "Polygon", "coordinates": one}),
            many => json!({"type": "MultiPolygon", "coordinates": many}),
        }
        .to_string()
    }

    /// Bounding box as `([min_lon, min_lat], [max_lon, max_lat])`.
    pub fn bbox(&self) -> ([f64; 2], [f64; 2]) {
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for [x, y] in self.parts.iter().flatten().flatten() {
            min = [min[0].min(*x), min[1].min(*y)];
            max = [max[0].max(*x), max[1].max(*y)];
        }
        (min, max)
    }

    /// The centre of the bounding box of the largest ring, a good place for a label.
    pub fn label_point(&self) -> [f64; 2] {
        let (min, max) = self.bbox();
        [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0]
    }

    /// Whether the point lies inside (even–odd rule: inside an outer ring and outside its holes).
    /// A point on a shared edge belongs to exactly one of two neighbouring polygons.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.parts.iter().any(|rings| {
            rings
                .iter()
                .filter(|ring| ring_contains(ring, lon, lat))
                .count()
                % 2
                == 1
        })
    }
}

fn ring_contains(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    for edge in ring.windows(2) {
        if let [[x1, y1], [x2, y2]] = edge
            && (*y1 > y) != (*y2 > y)
            && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Polygon {
        Polygon::from_ring(vec![
            [x0, y0],
            [x0 + s, y0],
            [x0 + s, y0 + s],
            [x0, y0 + s],
            [x0, y0],
        ])
        .unwrap()
    }

    #[test]
    fn contains_inside_and_not_outside() {
        let p = square(107.0, 31.0, 0.1);
        assert!(p.contains(107.05, 31.05));
        assert!(!p.contains(107.15, 31.05));
        assert!(!p.contains(107.05, 30.99));
    }

    #[test]
    fn holes_are_outside() {
        let text = r#"{"type":"Polygon","coordinates":[
            [[0,0],[10,0],[10,10],[0,10],[0,0]],
            [[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#;
        let p = Polygon::from_geojson(text).unwrap();
        assert!(p.contains(2.0, 2.0));
        assert!(!p.contains(5.0, 5.0));
    }

    #[test]
    fn geojson_round_trip_and_refusals() {
        let p = square(107.5, 31.2, 0.01);
        assert_eq!(Polygon::from_geojson(&p.to_geojson()).unwrap(), p);
        assert!(matches!(
            Polygon::from_geojson(r#"{"type":"Point","coordinates":[1,2]}"#),
            Err(GeoError::WrongType(t)) if t == "Point"
        ));
        assert_eq!(
            Polygon::from_geojson(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#),
            Err(GeoError::BadRing)
        );
        assert_eq!(
            Polygon::from_geojson(
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#
            ),
            Err(GeoError::BadRing)
        );
        assert_eq!(
            Polygon::from_geojson(
                r#"{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}"#
            ),
            Err(GeoError::OutOfRange)
        );
        assert!(matches!(Polygon::from_geojson("{"), Err(GeoError::Json(_))));
    }

    #[test]
    fn multipolygon_parts() {
        let text = r#"{"type":"MultiPolygon","coordinates":[
            [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
            [[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}"#;
        let p = Polygon::from_geojson(text).unwrap();
        assert!(p.contains(0.5, 0.5) && p.contains(5.5, 5.5) && !p.contains(3.0, 3.0));
        assert_eq!(p.bbox(), ([0.0, 0.0], [6.0, 6.0]));
    }
}
