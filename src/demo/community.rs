//! The demo organisation's records for: Opportunities, peer-support aims and the welcoming environment (CSE 7.01, 7.03 / CA-CSE 7.01, 7.02, 7.04).
//!
//! Opportunities for about one person in ten (at most 300 rows), aims on the most recent coaching
//! contacts (at most 500), on every group and on about half the opportunities, and one or two
//! welcoming-environment reviews of each site with a few items not met. Everything is invented and
//! the same for the same seed; the row counts do not grow with the size of the demo.

use super::{ORG_TIME_ZONE, VoiceDemo, insert_all, uuid};
use crate::db;
use crate::db::entities::{coaching_contact, opportunity, peer_aim_tag, support_group, welcome_check, welcome_review};
use crate::domain::community::{
    AimSubject, OpportunityKind, OpportunityStatus, PeerAim, WelcomeAnswer, WelcomeItem, add_months,
};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

const MAX_OPPORTUNITIES: usize = 300;
const MAX_TAGGED_CONTACTS: u64 = 500;

const TITLES: &[(OpportunityKind, &[&str])] = &[
    (
        OpportunityKind::GivingPeerSupport,
        &["Co-leading the Tuesday peer circle", "Buddy for a newcomer", "Sharing their story at orientation"],
    ),
    (OpportunityKind::ReceivingPeerSupport, &["Weekly peer support group", "One-to-one peer mentoring"]),
    (
        OpportunityKind::Volunteering,
        &["Welcome desk at the recovery café", "Helping set up the drop-in", "Phone check-ins with members"],
    ),
    (
        OpportunityKind::LeadershipRole,
        &["Seat on the participant advisory council", "Planning team for the recovery walk"],
    ),
    (
        OpportunityKind::RecoveryEvent,
        &["Recovery Month walk", "Community potluck", "Open-mic night at the recovery café"],
    ),
    (OpportunityKind::School, &["GED classes at the library", "Community college enrolment"]),
    (OpportunityKind::Work, &["Job club", "Part-time work at the food co-op"]),
    (OpportunityKind::LocalVolunteering, &["Food bank sorting shift", "Community garden"]),
    (
        OpportunityKind::Recreation,
        &["Walking group in the park", "Art class at the community centre", "Five-a-side football"],
    ),
    (OpportunityKind::SkillsWorkshop, &["Budgeting workshop", "Cooking on a budget", "Digital skills drop-in"]),
];

fn local_today(now: OffsetDateTime) -> Date {
    crate::app::local_date(ORG_TIME_ZONE, now)
}

/// A few aims, in order, each once.
fn some_aims(rng: &mut ChaCha8Rng) -> Vec<PeerAim> {
    let n = rng.gen_range(1..=3);
    let mut all = PeerAim::ALL.to_vec();
    all.shuffle(rng);
    let mut chosen: Vec<PeerAim> = all.into_iter().take(n).collect();
    chosen.sort_by_key(|a| PeerAim::ALL.iter().position(|x| x == a));
    chosen
}

fn tag_rows(
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    subject: AimSubject,
    id: Uuid,
    by: Uuid,
    at: OffsetDateTime,
) -> Vec<peer_aim_tag::Model> {
    some_aims(rng)
        .into_iter()
        .map(|aim| peer_aim_tag::Model {
            id: uuid(rng),
            org_id,
            subject_kind: subject.code().into(),
            subject_id: id,
            aim: aim.code().into(),
            tagged_by: by,
            tagged_at: at,
        })
        .collect()
}

pub(super) async fn insert(txn: &db::WriteTxn, rng: &mut ChaCha8Rng, demo: &VoiceDemo<'_>) -> anyhow::Result<()> {
    let org_id = demo.org_id;
    let now = demo.now;
    let today = local_today(now);
    let mut tags: Vec<peer_aim_tag::Model> = Vec::new();

    // Opportunities: about one person in ten, until the cap.
    let mut opportunities: Vec<opportunity::Model> = Vec::new();
    for m in demo.members {
        if opportunities.len() >= MAX_OPPORTUNITIES {
            break;
        }
        if !rng.gen_bool(0.1) {
            continue;
        }
        for _ in 0..rng.gen_range(1..=3) {
            if opportunities.len() >= MAX_OPPORTUNITIES {
                break;
            }
            let (kind, titles) = TITLES[rng.gen_range(0..TITLES.len())];
            let title = titles[rng.gen_range(0..titles.len())];
            let earliest = std::cmp::max(m.started_on, today - Duration::days(540));
            let span = std::cmp::max((today - earliest).whole_days(), 1);
            let offered_on = earliest + Duration::days(rng.gen_range(0..span));
            let status = match rng.gen_range(0..10) {
                0..=2 => OpportunityStatus::Offered,
                3..=5 => OpportunityStatus::Taken,
                6 => OpportunityStatus::Declined,
                _ => OpportunityStatus::Completed,
            };
            let room = std::cmp::max((today - offered_on).whole_days(), 0);
            let taken_on = match status {
                OpportunityStatus::Taken | OpportunityStatus::Completed => {
                    Some(offered_on + Duration::days(rng.gen_range(0..=std::cmp::min(room, 14))))
                }
                _ => None,
            };
            let completed_on = match (status, taken_on) {
                (OpportunityStatus::Completed, Some(t)) => {
                    let left = std::cmp::max((today - t).whole_days(), 0);
                    Some(t + Duration::days(rng.gen_range(0..=std::cmp::min(left, 90))))
                }
                _ => None,
            };
            let hours = taken_on.filter(|_| rng.gen_bool(0.6)).map(|_| f64::from(rng.gen_range(1..=16)) * 0.5);
            let at = now - Duration::days((today - offered_on).whole_days());
            let o = opportunity::Model {
                id: uuid(rng),
                org_id,
                person_id: m.person_id,
                program_id: demo.programs.get(m.program).copied(),
                kind: kind.code().into(),
                status: status.code().into(),
                title: title.into(),
                description: None,
                offered_on,
                taken_on,
                completed_on,
                hours,
                recorded_by: m.worker,
                version: 1,
                created_at: at,
                updated_at: at,
            };
            if rng.gen_bool(0.5) {
                tags.extend(tag_rows(rng, org_id, AimSubject::Opportunity, o.id, m.worker, at));
            }
            opportunities.push(o);
        }
    }
    insert_all::<opportunity::ActiveModel>(txn, opportunities.into_iter().map(Into::into).collect()).await?;

    // Aims on the most recent contacts (about four in five of them), and on every group.
    let contacts: Vec<(Uuid, Uuid, OffsetDateTime)> = coaching_contact::Entity::find()
        .select_only()
        .columns([
            coaching_contact::Column::Id,
            coaching_contact::Column::WorkerId,
            coaching_contact::Column::OccurredAt,
        ])
        .filter(coaching_contact::Column::OrgId.eq(org_id))
        .filter(coaching_contact::Column::OccurredAt.lte(now))
        .order_by_desc(coaching_contact::Column::OccurredAt)
        .order_by_asc(coaching_contact::Column::Id)
        .limit(MAX_TAGGED_CONTACTS)
        .into_tuple()
        .all(&**txn)
        .await?;
    for (id, worker, at) in contacts {
        if rng.gen_bool(0.8) {
            tags.extend(tag_rows(rng, org_id, AimSubject::Contact, id, worker, at));
        }
    }
    let groups: Vec<(Uuid, Uuid)> = support_group::Entity::find()
        .select_only()
        .columns([support_group::Column::Id, support_group::Column::CreatedBy])
        .filter(support_group::Column::OrgId.eq(org_id))
        .order_by_asc(support_group::Column::CreatedAt)
        .order_by_asc(support_group::Column::Id)
        .into_tuple()
        .all(&**txn)
        .await?;
    for (id, by) in groups {
        let at = now - Duration::days(rng.gen_range(1..120));
        tags.extend(tag_rows(rng, org_id, AimSubject::Group, id, by, at));
    }
    insert_all::<peer_aim_tag::ActiveModel>(txn, tags.into_iter().map(Into::into).collect()).await?;

    // Welcoming-environment reviews: one or two per site, the latest a few months ago (one site
    // left overdue), with a few items not met and what will be done about them.
    let gaps: &[(WelcomeItem, &str)] = &[
        (
            WelcomeItem::GenderNeutralWashroom,
            "Only gendered washrooms; landlord asked about converting the single-user one.",
        ),
        (WelcomeItem::SignageLanguages, "Signs in English only; Spanish versions being printed."),
        (WelcomeItem::QuietSpace, "The back room is used for storage; clear it for a quiet corner."),
        (WelcomeItem::DiverseImagery, "Posters are dated and show few people of colour; replace with the new set."),
        (WelcomeItem::WelcomePoint, "Nobody greets people on Friday afternoons; ask peer volunteers to cover."),
    ];
    let mut reviews = Vec::new();
    let mut checks = Vec::new();
    for (i, site_id) in demo.sites.iter().enumerate() {
        let count = if i % 2 == 0 { 2 } else { 1 };
        for n in 0..count {
            // The newest review of the last site is over a year old, so it shows as overdue.
            let months_ago =
                if i + 1 == demo.sites.len() && demo.sites.len() > 1 { 13 + n * 12 } else { 2 + n * 12 } as i32;
            let reviewed_on = add_months(today, -months_ago) - Duration::days(rng.gen_range(0..20));
            let at = now - Duration::days((today - reviewed_on).whole_days());
            let review_id = uuid(rng);
            let mut missing: Vec<&(WelcomeItem, &str)> = gaps.iter().collect();
            missing.shuffle(rng);
            let not_met: Vec<&(WelcomeItem, &str)> = missing.into_iter().take(rng.gen_range(1..=2) + n).collect();
            for item in WelcomeItem::ALL {
                let (answer, note) = match not_met.iter().find(|(g, _)| g == item) {
                    Some((_, note)) => (WelcomeAnswer::NotMet, Some(note.to_string())),
                    None => match rng.gen_range(0..10) {
                        0 => (WelcomeAnswer::Partly, Some("Partly in place; check again next time.".to_string())),
                        1 if *item == WelcomeItem::StepFreeAccess && i > 0 => (WelcomeAnswer::NotApplicable, None),
                        _ => (WelcomeAnswer::Met, None),
                    },
                };
                checks.push(welcome_check::Model {
                    id: uuid(rng),
                    org_id,
                    review_id,
                    item: item.code().into(),
                    answer: answer.code().into(),
                    note,
                });
            }
            reviews.push(welcome_review::Model {
                id: review_id,
                org_id,
                site_id: *site_id,
                reviewed_on,
                reviewed_by: if n == 0 { demo.team.supervisor } else { demo.team.director },
                participants: rng.gen_range(0..=4),
                notes: Some("Walked the site with members of the participant advisory council.".into()),
                follow_up: Some("Gaps assigned to the site lead; progress checked at the next staff meeting.".into()),
                next_review_on: add_months(reviewed_on, 12),
                version: 1,
                created_at: at,
                updated_at: at,
            });
        }
    }
    insert_all::<welcome_review::ActiveModel>(txn, reviews.into_iter().map(Into::into).collect()).await?;
    insert_all::<welcome_check::ActiveModel>(txn, checks.into_iter().map(Into::into).collect()).await?;
    Ok(())
}
