//! Readiness demo records: the program director's earlier self-ratings of a few standards, six and
//! three months ago, so each standard's page shows a history that moved.

use crate::db::WriteTxn;
use crate::db::entities::standard_rating;
use crate::standards::catalogue::Source;
use rand_chacha::ChaCha8Rng;
use sea_orm::EntityTrait;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// (standard, [(days ago, suggested, self-rating, note)]).
type History = (&'static str, [(i64, i32, i32, &'static str); 2]);

const HISTORY: &[History] = &[
    (
        "CSE 3.02",
        [
            (182, 3, 3, "Urgent requests waited over the target in the winter; a duty rota is being set up."),
            (91, 2, 2, "The duty rota works; two routine intakes started late when a coach was away."),
        ],
    ),
    (
        "CSE 3.03",
        [
            (182, 2, 2, "Every new person screened; some responses were written up days later."),
            (91, 2, 1, "Responses now recorded on the day; the suggestion counts two older screens."),
        ],
    ),
    (
        "CSE 6.02",
        [
            (182, 4, 3, "Many listings unverified after the move to the new directory."),
            (91, 3, 2, "Verification drive under way: most listings checked this quarter."),
        ],
    ),
];

pub async fn insert(
    txn: &WriteTxn,
    rng: &mut ChaCha8Rng,
    org_id: Uuid,
    rater: Uuid,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (standard, entries) in HISTORY {
        for (days_ago, suggested, self_rating, note) in entries {
            let at = now - Duration::days(*days_ago);
            let to = at.date();
            rows.push(standard_rating::ActiveModel::from(standard_rating::Model {
                id: super::uuid(rng),
                org_id,
                source: Source::Cse2024.code().into(),
                standard_id: (*standard).into(),
                period_from: to - Duration::days(364),
                period_to: to,
                suggested: Some(*suggested),
                self_rating: *self_rating,
                note: Some((*note).into()),
                rated_by: rater,
                rated_at: at,
            }));
        }
    }
    standard_rating::Entity::insert_many(rows).exec_without_returning(&**txn).await?;
    Ok(())
}
