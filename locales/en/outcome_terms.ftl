# Terms shared by every outcome page (the codes of src/domain/outcomes.rs). Areas keep their own
# pages' text in their own files.
outcome-area-functional-status = Functional status
outcome-area-health-welfare-safety = Health, welfare and safety
outcome-area-permanency = Permanency of life situation
outcome-area-quality-of-life = Quality of life
outcome-area-goal-achievement = Achievement of service or recovery goals
outcome-area-other = Other
occasion-intake = At intake
occasion-review = Review
occasion-discharge = At discharge
occasion-other = Other time
measure-source-staff = With staff
measure-source-paper = From a paper form
measure-source-portal = Self-completed in the portal
measure-status-complete = Answered
measure-status-declined = Chose not to answer
target-kind-reach-threshold = Share of people at or beyond a score
target-kind-improve-by = Share of people improving by at least some points
target-kind-mean-change = Average change of at least some points
export-dates-shift = Shifted by a fixed number of days per person
export-dates-month = Reduced to the month
export-shape-measurements = One row per measurement
export-shape-people = One row per person and measure (first, latest, change)
