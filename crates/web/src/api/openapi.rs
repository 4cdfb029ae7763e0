//! `GET /api/v1/openapi.json`: the API described in OpenAPI 3.1, generated from the handlers.

use super::access::{roles, session};
use super::cases::{applications, clues, disputes, events, petitions, risks};
use super::org::{calendar, tree as org};
use super::registry::{persons, places, special_groups, transfers};
use super::{alarms, creation, credit, health, hotline, legal, patrols, police, stats, video};
use crate::AppState;
use crate::error::Problem;
use crate::extract::Json;
use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "平安 Pingan API", description = "区县综治中心平台的 HTTP 接口。错误一律为 application/problem+json。"),
    paths(health::health, session::create, session::end, session::send_code, session::create_with_code, org::children, org::grids, org::locate, org::outline, calendar::deadline,
        events::create, events::list, events::show, events::act, events::add_photos, events::photo, events::categories, events::set_limit, events::rules,
        events::add_rule, events::delete_rule, events::stream, video::online_rate,
        disputes::create, disputes::list, disputes::show, disputes::act, disputes::agreement, disputes::add_scans, disputes::photo, disputes::organisations,
        disputes::create_organisation, disputes::organisation, disputes::set_mediator, disputes::stats,
        disputes::create_screening, disputes::screenings, disputes::screening, disputes::zero_report,
        petitions::create, petitions::list, petitions::show, petitions::act, petitions::notice, petitions::reveal,
        petitions::add_attachments, petitions::photo, petitions::lawyers, petitions::add_lawyer, petitions::stats,
        clues::create, clues::list, clues::show, clues::act, clues::reveal, clues::lookup,
        applications::services, applications::edit_service, applications::create, applications::list,
        applications::show, applications::act, applications::result, applications::add_materials, applications::material,
        risks::create, risks::list, risks::show, risks::act, risks::experts, risks::add_expert, risks::register,
        police::year, police::enter, police::import, police::template,
        stats::indicators, stats::indicators_sheet, stats::breakdown, stats::report,
        alarms::list, alarms::register, alarms::alarm, alarms::heartbeat,
        creation::list, creation::declare, creation::show, creation::step, creation::assessment,
        creation::overview, creation::area, creation::checklist, creation::save_checklist,
        credit::check, credit::measure, credit::list, credit::show, credit::lift, credit::import,
        credit::template,
        legal::advisers, legal::assign, legal::end, legal::consultations, legal::record,
        legal::teams, legal::add_team, legal::activities, legal::record_activity,
        legal::add_photos, legal::photo, legal::legal_health, legal::record_checkup,
        legal::open_risks, legal::resolve_risk,
        patrols::teams, patrols::add_team, patrols::my_teams, patrols::segments, patrols::add_segment, patrols::patrols,
        patrols::start, patrols::positions, patrols::check_in, patrols::end, patrols::track, patrols::coverage, patrols::school_posts, patrols::send_nearest, patrols::dispatches, patrols::add_shift, patrols::shifts, patrols::retire_segment,
        hotline::take, hotline::import, hotline::show,
        video::devices, video::device, video::channels, video::channel, video::near, video::map, video::import, video::template, video::query,
        persons::list, persons::show, persons::reveal, persons::import, persons::template, persons::export, persons::households, persons::household, persons::export_households, persons::add, persons::tags, persons::set_tags, persons::start_import, persons::import_job,
        special_groups::list, special_groups::of_person, special_groups::enrol, special_groups::update,
        special_groups::end, special_groups::visits, special_groups::record, special_groups::due,
        special_groups::coverage, special_groups::policies, special_groups::set_policies, special_groups::visit_photo, special_groups::export,
        places::list, places::save, places::show, places::add_tenant, places::import, places::template, places::reveal, places::export,
        transfers::list, transfers::request, transfers::decide,
        roles::permissions, roles::list, roles::show, roles::create, roles::update, roles::remove),
    components(schemas(Problem, session::Credentials, session::Session, session::CodeRequest, pingan_app::CitizenSignIn,
        pingan_app::ServiceItemView, pingan_app::ServiceItemEdit, pingan_app::ApplicationIntake, pingan_app::ApplicationIntakeOutcome,
        pingan_app::ApplicationView, pingan_app::ApplicationPage, pingan_app::ApplicationDetailView, pingan_app::ApplicationActionRequest, pingan_app::CurrentUser,
        pingan_app::OrgUnitView, pingan_app::OrgRef, pingan_app::Located, calendar::Deadline,
        pingan_app::EventIntake, pingan_app::IntakeOutcome, pingan_app::EventView, pingan_app::EventPage,
        pingan_app::EventDetailView, pingan_app::TimelineView, pingan_app::ActionView,
        pingan_app::CaseDepartmentView, pingan_app::DuplicateHint, pingan_app::ActionRequest,
        events::EventActionBody, pingan_app::DisputeConversion, pingan_app::DisputeIntake, pingan_app::PartyEntry,
        pingan_app::DisputeIntakeOutcome, pingan_app::DisputeView, pingan_app::DisputePage, pingan_app::DisputeDetailView,
        pingan_app::DisputePartyView, pingan_app::DisputeSessionView, pingan_app::DisputeActionRequest,
        pingan_app::MediationOrganisationView, pingan_app::MediationOrganisationEntry, pingan_app::MediatorView,
        disputes::OrganisationDetail, disputes::MediatorBody, disputes::ScreeningDetail, disputes::ZeroReportBody,
        pingan_app::PetitionIntake, pingan_app::PetitionerEntry, pingan_app::PetitionIntakeOutcome, pingan_app::PetitionView,
        pingan_app::PetitionPage, pingan_app::PetitionDetailView, pingan_app::PetitionerView, pingan_app::PetitionerPlain,
        pingan_app::PetitionActionRequest, pingan_app::LawyerEntry, pingan_app::LawyerView, pingan_app::PetitionStatsView,
        pingan_app::PetitionStatsRow, pingan_app::LeaderLoadView, petitions::RevealBody,
        pingan_app::ClueIntake, pingan_app::InformantEntry, pingan_app::ClueIntakeOutcome, pingan_app::ClueView,
        pingan_app::CluePage, pingan_app::ClueDetailView, pingan_app::ClueActionRequest, pingan_app::InformantPlain,
        pingan_app::ClueLookup, clues::InformantBody,
        pingan_app::RiskIntake, pingan_app::RiskView, pingan_app::RiskPage, pingan_app::RiskDetailView,
        pingan_app::RiskActionRequest, pingan_app::RiskDocumentView, pingan_app::RiskScoreView, pingan_app::PanelView,
        pingan_app::RiskMeasureView, pingan_app::RiskExpertView, pingan_app::RiskRegisterView,
        pingan_app::PoliceEntry, pingan_app::PoliceYearView, pingan_app::PoliceLineView, pingan_app::PoliceImportReport,
        police::Written, pingan_app::IndicatorsView, pingan_app::Indicator, pingan_app::BreakdownView,
        pingan_app::TrendPoint, pingan_app::UnitFigures, pingan_app::CategoryFigure,
        pingan_app::ScreeningEntry, pingan_app::ScreeningView, pingan_app::ScreeningUnitView, pingan_app::DisputeStatsView, pingan_app::StatsRow, pingan_app::Comparison,
        pingan_app::CategoryView, pingan_app::RoutingRuleView, pingan_app::CaseChange, pingan_app::AlarmNotice, pingan_app::PatrolTeamRequest, pingan_app::PatrolTeamView, pingan_app::KeySegmentRequest, pingan_app::KeySegmentView,
        pingan_app::PatrolStart, pingan_app::PatrolView, pingan_app::PositionBatch, pingan_app::PositionEntry, pingan_app::BatchOutcome,
        pingan_app::CheckinRequest, pingan_app::CheckinOutcome, pingan_app::TrackView, pingan_app::CoverageView, pingan_app::SegmentCoverage,
        pingan_app::SchoolPostsView, pingan_app::SchoolPost, pingan_app::PostSlot, pingan_app::DispatchView, pingan_app::DispatchTask, pingan_app::ShiftRequest, pingan_app::ShiftView,
        pingan_app::CreditCheckRequest, pingan_app::CreditCheckView, pingan_app::CreditEntryView,
        pingan_app::CreditMeasureView, pingan_app::CreditMeasureRequest, pingan_app::CreditMeasureRecorded,
        pingan_app::CreditLiftRequest, pingan_app::CreditImportReport, pingan_app::CreditFlag,
        pingan_app::AdviserRequest, pingan_app::AdviserView, pingan_app::AdvisersView, pingan_app::TownshipAdvisers,
        pingan_app::CoverageGap, pingan_app::ConsultationRequest, pingan_app::ConsultationView,
        pingan_app::ConsultationsView, pingan_app::ConsultationTally, pingan_app::OutreachOverview,
        pingan_app::OutreachRequest, pingan_app::OutreachTally, pingan_app::OutreachTeamRequest,
        pingan_app::OutreachTeamView, pingan_app::OutreachView, pingan_app::CheckupRequest,
        pingan_app::CheckupView, pingan_app::LegalHealthView, pingan_app::LegalRiskEntry,
        pingan_app::LegalRiskView, pingan_app::RiskResolution,
        pingan_app::CreationUnitRequest, pingan_app::CreationUnitView, pingan_app::CreationUnitPage,
        pingan_app::CreationStepRequest, pingan_app::CreationAssessmentView, pingan_app::ScoredLineView, pingan_app::StepOption,
        pingan_app::ChecklistView, pingan_app::ChecklistRequest, pingan_app::CriterionEntry, pingan_app::SixNoneView,
        pingan_app::SixNoneItemView, pingan_app::BreachView, pingan_app::SixNoneOverview, pingan_app::VillageSixNone,
        pingan_app::AlarmPointRequest, pingan_app::AlarmPointView, pingan_app::AlarmPointsView, pingan_app::RegisteredAlarmPoint, pingan_app::SignalOutcome, pingan_app::AlarmBody, pingan_app::HotlineOrder, pingan_app::HotlineOutcome, pingan_app::HotlineImportReport, pingan_app::HotlineOrderView, pingan_app::HotlineReportView, pingan_app::PhotoView, pingan_app::OnlineRate, pingan_app::OnlineRateReport, pingan_app::DailyRate,
        pingan_app::ChannelView, pingan_app::DeviceView, pingan_app::DevicePage, pingan_app::StatusChange, pingan_app::MapPoint, pingan_app::RegistryImportReport, pingan_app::RejectedCell,
        video::ChannelList, video::DeviceList, video::ChannelDetail, video::QueryBody,
        persons::RevealBody, pingan_app::PersonView, pingan_app::PersonPlain, pingan_app::PersonImportReport, events::RuleBody,
        events::LimitBody, special_groups::MemberList, special_groups::EndBody, special_groups::VisitList,
        special_groups::CoverageList, special_groups::PolicyList, pingan_app::MemberView, pingan_app::MemberPage,
        pingan_app::MemberInput, pingan_app::VisitEntry, pingan_app::VisitView, pingan_app::UnitCoverage,
        pingan_app::VisitPolicyView, pingan_app::HouseholdView, pingan_app::HouseholdPage, pingan_app::PersonEntry, persons::TagList, pingan_app::ImportJobView, pingan_app::ImportProgress,
        places::TenantBody, pingan_app::PlaceView, pingan_app::PlacePage, pingan_app::PlaceEntry,
        pingan_app::PlaceImportReport, pingan_app::PlacePlain, places::RevealBody,
        transfers::TransferList, transfers::DecisionBody, pingan_app::TransferEntry, pingan_app::TransferView,
        roles::PermissionList, roles::RoleList, pingan_app::PermissionView, pingan_app::RoleView, pingan_app::RoleEntry)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
