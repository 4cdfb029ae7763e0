//! Pure types and rules of Pingan (平安): org and grid codes, reference code tables, roles, account
//! rules and time in Asia/Shanghai. Nothing here does I/O or waits on anything.

pub mod account;
pub mod alarm;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod code_table;
pub mod compare;
pub mod creation;
pub mod credit;
pub mod division;
pub mod hotline;
pub mod identity;
mod labelled;
pub mod legal;
pub mod org;
pub mod page;
pub mod patrol;
pub mod period;
pub mod person;
pub mod place;
pub mod police;
pub mod role;
pub mod special_group;
pub mod time;
pub mod video;

pub use org::{OrgCode, OrgCodeError, OrgLevel};
pub use role::{Capability, Permissions, Role, RoleDef, RoleRuleError};
pub mod scope;
pub mod service_item;
pub mod text;
pub use scope::Scope;
