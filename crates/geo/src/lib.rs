//! Geography of the grids: polygons in WGS-84 and a point-in-polygon index over them.
//!
//! The index keeps each grid's bounding box in an R-tree (rstar) and tests the few candidates
//! whose box holds the point with an even–odd ray cast. We do not pull in the `geo` crate for
//! this: one predicate does not justify sixty dependencies on a two-core build machine.

pub mod coord;
mod index;
mod polygon;
mod shape;

pub use index::GridIndex;
pub use polygon::{GeoError, Polygon};
pub use shape::Shape;
