//! 事件办理 — the event lists, the case page and its actions, and what the forms offer.

use super::view::{EventDetailView, EventView};
use super::{EventListQuery, EventPage};
use crate::cases::view::{ActionView, CaseDepartmentView, CategoryView, TimelineView};
use crate::cases::{ActionRequest, OwnRows, parse_org, parties};
use crate::{Actor, AppError, Result};
use chrono::Utc;
use pingan_domain::case::Target;
use pingan_domain::case::event::{Channel, EVENT};
use pingan_domain::text::filter_text;
use pingan_domain::{Capability, OrgLevel};
use pingan_store::{EventFilter, EventRecord};

impl crate::services::Cases<'_> {
    /// Events in the user's scope, newest first.
    pub async fn events(self, actor: &Actor, q: &EventListQuery) -> Result<EventPage> {
        let (user, own_only) = self.case_reader(actor)?;
        let limit = q.limit.unwrap_or(50).clamp(1, 200);
        // Text that is a case number (SJ…) finds that case; anything else searches titles.
        let text = filter_text(q.q.as_deref(), "q").map_err(AppError::Invalid)?;
        let text = text.as_deref();
        let number = text
            .filter(|t| t.starts_with(EVENT.number_prefix))
            .and_then(crate::cases::parse_case_ref);
        let filter = EventFilter {
            state: q.state.clone().filter(|s| !s.is_empty()),
            open: q.open,
            alert: q.alert.clone().filter(|s| !s.is_empty()),
            category: filter_text(q.category.as_deref(), "category").map_err(AppError::Invalid)?,
            area: filter_text(q.area.as_deref(), "area").map_err(AppError::Invalid)?,
            text: text.filter(|_| number.is_none()).map(str::to_owned),
            id: number,
            channel: q.channel.clone().filter(|s| !s.is_empty()),
            reporter_id: (own_only || q.mine.unwrap_or(false)).then_some(user.id),
            before_id: q.before,
        };
        let rows = self.store.events(&user.scope(), &filter, limit).await?;
        let next_before = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.case.id))
            .flatten();
        let ids: Vec<i64> = rows.iter().map(|r| r.case.id).collect();
        let mut links = self.departments_of_page(&ids).await?;
        let items = rows
            .into_iter()
            // A case number names the day of receipt too: SJ20200101000042 is not case 42 of today.
            .filter(|r| {
                number.is_none()
                    || text
                        == Some(super::case_number(&EVENT, r.case.id, r.case.created_at).as_str())
            })
            .map(|r| {
                let deps = links.remove(&r.case.id).unwrap_or_default();
                EventView::new(r, deps)
            })
            .collect();
        Ok(EventPage { items, next_before })
    }

    /// Takes one action on an event the user can see — the engine decides, applies and writes
    /// it ([`App::take_action`]) — and tells the stream.
    pub async fn act_on_event(
        self,
        actor: &Actor,
        id: i64,
        req: &ActionRequest,
    ) -> Result<EventView> {
        if req.action == "to_dispute" {
            return Err(AppError::Invalid(
                "转为矛盾纠纷还需纠纷类型和双方当事人：请同时提供 dispute（type、parties）".into(),
            ));
        }
        self.apply_event_action(actor, id, req).await
    }

    /// [`Self::act_on_event`] without its refusal of `to_dispute`, which only
    /// [`Self::event_to_dispute`] takes, once the dispute exists.
    pub(crate) async fn apply_event_action(
        self,
        actor: &Actor,
        id: i64,
        req: &ActionRequest,
    ) -> Result<EventView> {
        let (user, record) = self.readable_event(actor, id).await?;
        let acted = self
            .take_action(actor, user, record.case, req, OwnRows::None)
            .await?;
        let view = EventView::new(
            EventRecord {
                case: acted.case,
                detail: record.detail,
            },
            acted.department_ids,
        );
        self.publish(&view, acted.action.key);
        // What 12345 must hear of an event it handed over; the action stands if queueing fails.
        if let Err(e) = self
            .hotline()
            .after_event_action(&view, acted.action.key, req.reason.as_deref())
            .await
        {
            tracing::error!(case = view.id, "12345 回传未能排队：{e}");
        }
        Ok(view)
    }

    /// The case page of one event: the event, its departments, timeline and the user's actions.
    pub async fn event_detail(self, actor: &Actor, id: i64) -> Result<EventDetailView> {
        let (user, r) = self.readable_event(actor, id).await?;
        let departments = self.store.case_departments(id).await?;
        let timeline = self.store.timeline(id).await?;
        // The first step forward from here names who the case waits for.
        let waiting_for = EVENT
            .actions
            .iter()
            .find(|a| a.from.contains(&r.case.core.state.key) && matches!(a.to, Target::State(_)))
            .map(|a| {
                let who: Vec<&str> = a.by.iter().map(|p| p.label()).collect();
                format!("等待{}{}", who.join("或"), a.label)
            });
        let actions = EVENT
            .available(&r.case.core.facts(Utc::now()), &parties(user, &r.case)?)
            .into_iter()
            .map(ActionView::from)
            .collect();
        let category = self.category_records().await?;
        let category = category.iter().find(|c| c.code == r.detail.category_code);
        let suggested_department_id = match (category, r.case.core.state.key) {
            (Some(c), "registered" | "disputed") => {
                self.route(c, &parse_org(&r.case.org_code)?, None)
                    .await?
                    .department_id
            }
            _ => None,
        };
        let reporter_contact = match Channel::parse(&r.detail.channel) {
            Some(Channel::Open311) => self.open311().masked_contact(id).await?,
            Some(Channel::Hotline12345) => self.hotline().masked_caller(id).await?,
            _ => None,
        };
        Ok(EventDetailView {
            reporter_contact,
            category_name: category
                .map_or_else(|| r.detail.category_code.clone(), |c| c.name.clone()),
            event: EventView::new(r, departments.iter().map(|d| d.department_id).collect()),
            departments: departments
                .into_iter()
                .map(|d| CaseDepartmentView {
                    id: d.department_id,
                    name: d.name,
                    lead: d.lead,
                })
                .collect(),
            timeline: timeline
                .into_iter()
                .map(|t| TimelineView::new(t, &EVENT))
                .collect(),
            actions,
            suggested_department_id,
            photos: self.photos_of(id, "events").await?,
            waiting_for,
            dispute: self.dispute_of_event(user, id).await?,
        })
    }

    /// What the report form offers the user: the categories in force and the grids of their
    /// scope (code, name), for choosing by hand when there is no location.
    pub async fn report_options(
        self,
        actor: &Actor,
    ) -> Result<(Vec<CategoryView>, Vec<(String, String)>)> {
        self.authorize(actor, Capability::ReportEvents, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let categories = self
            .category_records()
            .await?
            .iter()
            .filter(|c| c.retired_at.is_none())
            .map(CategoryView::from)
            .collect();
        let grids = self
            .store
            .org_units_under(user.org_code.as_str())
            .await?
            .into_iter()
            .filter(|u| u.level == OrgLevel::Grid.as_str() && u.retired_at.is_none())
            .map(|u| (u.code, u.name))
            .collect();
        Ok((categories, grids))
    }

    /// The names of the org units in the user's scope by code, for showing where events lie.
    pub async fn place_names(
        self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<String, String>> {
        let (user, _) = self.case_reader(actor)?;
        Ok(self
            .store
            .org_units_under(user.scope().prefix())
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect())
    }

    /// The departments the user's hub may dispatch a case to (id, name, kind), the district's
    /// first: its own and those above it (see [`crate::cases::routing::reaches`]).
    pub async fn dispatch_departments(self, actor: &Actor) -> Result<Vec<(i64, String, String)>> {
        let user = self.case_user(actor)?;
        let hub = user.scope().prefix().to_owned();
        let mut list: Vec<_> = self
            .all_departments()
            .await?
            .iter()
            // Mediation organisations take disputes (转为矛盾纠纷), not dispatched events.
            .filter(|d| {
                crate::cases::routing::reaches(&hub, &d.org_code)
                    && d.kind != crate::cases::MEDIATION_DEPARTMENT_KIND
            })
            .map(|d| (d.org_code.len(), d.id, d.name.clone(), d.kind.clone()))
            .collect();
        list.sort();
        Ok(list
            .into_iter()
            .map(|(_, id, name, kind)| (id, name, kind))
            .collect())
    }

    /// The user's events at a glance: open, yellow, red, and reported today (Beijing time).
    pub async fn event_counts(self, actor: &Actor) -> Result<pingan_store::EventCounts> {
        let user = self.case_user(actor)?;
        let today = pingan_domain::time::in_shanghai(Utc::now())
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(pingan_domain::time::shanghai())
                    .single()
            })
            .map_or_else(Utc::now, |t| t.to_utc());
        Ok(self.store.event_counts(&user.scope(), today).await?)
    }
}
