//! Coordinates: WGS-84 (GPS, what Pingan stores) and GCJ-02 (the "Mars" coordinates that Chinese
//! map SDKs — AMap, Tencent — hand out), and distances on the ground.
//!
//! GCJ-02 is WGS-84 with a published, deterministic offset of a few hundred metres inside China.
//! The forward transform is the well-known closed form; the inverse is found by fixed-point
//! iteration, which converges to well under a centimetre in a few steps.

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Whether the point lies in the rough box where GCJ-02 differs from WGS-84.
pub fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn offset(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let common = 20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin();
    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += common * 2.0 / 3.0;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlon += common * 2.0 / 3.0;
    dlon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    (dlon, dlat)
}

/// WGS-84 → GCJ-02. Points outside China are returned unchanged.
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = offset(lon, lat);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → WGS-84, by iterating the forward transform. Points outside China are returned
/// unchanged.
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..10 {
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let (elon, elat) = (glon - lon, glat - lat);
        wlon -= elon;
        wlat -= elat;
        if elon.abs() < 1e-9 && elat.abs() < 1e-9 {
            break;
        }
    }
    (wlon, wlat)
}

/// The great-circle distance in metres between two WGS-84 points (haversine).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// The half-sizes in degrees (longitude, latitude) of a box that holds every point within
/// `metres` of a point at latitude `lat`: a cheap first filter before [`distance_m`].
pub fn degrees_around(lat: f64, metres: f64) -> (f64, f64) {
    let dlat = (metres / EARTH_RADIUS_M).to_degrees();
    let dlon = dlat / lat.to_radians().cos().max(0.01);
    (dlon, dlat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_offset_in_dazhou_is_a_few_hundred_metres() {
        // 达州 城区 (WGS-84).
        let wgs = (107.4680, 31.2090);
        let gcj = wgs84_to_gcj02(wgs.0, wgs.1);
        let d = distance_m(wgs, gcj);
        assert!((100.0..800.0).contains(&d), "{d} m");
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
    }

    #[test]
    fn distances_on_the_ground() {
        // One degree of latitude is about 111.2 km.
        let d = distance_m((107.5, 31.0), (107.5, 32.0));
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
        let (dlon, dlat) = degrees_around(31.2, 250.0);
        assert!(distance_m((107.5, 31.2), (107.5 + dlon, 31.2)) >= 249.0);
        assert!(distance_m((107.5, 31.2), (107.5, 31.2 + dlat)) >= 249.0);
    }

    proptest! {
        #[test]
        fn gcj_round_trips_within_a_centimetre(lon in 97.0f64..124.0, lat in 18.0f64..45.0) {
            let (glon, glat) = wgs84_to_gcj02(lon, lat);
            let back = gcj02_to_wgs84(glon, glat);
            prop_assert!(distance_m((lon, lat), back) < 0.01);
        }
    }
}
