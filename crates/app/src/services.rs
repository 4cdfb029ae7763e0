//! 服务 — the hub's use cases grouped by folder, each behind an accessor a caller names:
//! `app.access()`, `app.org()`, `app.registry()`, `app.cases()`, `app.video()`. A service is a
//! borrowed view of the [`App`]: it costs nothing to make, and inside it `self` reaches the
//! shared infrastructure (store, caches, authorize, audit) through `Deref`.

use crate::App;

macro_rules! services {
    ($($(#[$doc:meta])* $name:ident => $accessor:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $name<'a>(&'a App);

            impl std::ops::Deref for $name<'_> {
                type Target = App;

                fn deref(&self) -> &App {
                    self.0
                }
            }

            impl App {
                $(#[$doc])*
                pub fn $accessor(&self) -> $name<'_> {
                    $name(self)
                }
            }
        )*
    };
}

services! {
    /// 账号与权限 — accounts, sessions, second factors, API tokens, roles, contacts, login
    /// locks, the audit trail and key rotation.
    Access => access;
    /// 组织与网格 — the org tree, grids and their import, the work calendar, reference data.
    Org => org;
    /// 基础信息 — persons and households, places, special groups and visits, transfers, and
    /// their imports and exports.
    Registry => registry;
    /// 案件 — the case engine's use and each kind of case (events today), routing rules,
    /// categories, photos and the live stream.
    Cases => cases;
    /// 视频 — the GB/T 28181 registry, device signals and the online rate (点亮率).
    Video => video;
    /// 统计 — figures no single case kind owns: the public-security statistics.
    Stats => stats;
    /// 开放接口 — the Open311 GeoReport v2 interface: services, requests, integrators' keys.
    Open311 => open311;
    /// 一键报警与门禁 — alarm points and door controllers, their signed signals and online rate.
    Alarms => alarms;
    /// 12345 热线 — orders taken in as events, and the reports back to the hotline.
    Hotline => hotline;
    /// 平安创建 — units declared and assessed from 申报 to 命名, the checklists, and the "六无"
    /// of every village computed from the records.
    Creation => creation;
    /// 巡防 — patrol teams, key segments and school gates, patrols and their tracks, coverage.
    Patrols => patrols;
    /// 联合信用惩戒 — the 失信被执行人 and 拒执 list, checks against it, measures taken.
    Credit => credit;
    /// 公共法律服务 — "一村一法律顾问" and its coverage, the consultations taken.
    Legal => legal;
}
