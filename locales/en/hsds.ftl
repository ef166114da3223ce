# HSDS import and export: the import page, its report and history, the export downloads, the
# problems an import can report, and the /hsds/ API's error messages.
#
# Ids used here but defined elsewhere: nav-directory (directory.ftl).

## Import page

hsds-import-title = Import and export the directory
hsds-import-intro = Bring resources in from another directory, or take ours out, in the Open Referral HSDS 3.0 format. Importing the same file again updates the resources it holds instead of adding them twice.
hsds-import-file = File to import
hsds-import-file-hint = A JSON file (one resource, a list, or an API page) or a zip of CSV files (an HSDS Tabular Data Package). Up to { $limit } MB once unzipped.
hsds-import-mode = If some rows have problems
hsds-import-mode-all-or-nothing = Import nothing, and show me the problems
hsds-import-mode-valid-rows-only = Import the rows without problems, and list the rest
hsds-import-submit = Check and import
hsds-import-choose-file = Choose a file to import.
hsds-import-history = Earlier imports
hsds-import-history-empty = No imports yet.
hsds-import-when = When
hsds-import-by = By
hsds-import-by-command-line = Command line
hsds-import-file-name = File
hsds-import-result = Result
hsds-import-changes = Changes
hsds-import-view = View report
hsds-import-back = Back to import and export

## Export

hsds-export-title = Export
hsds-export-intro = Download the whole directory. Both files follow Open Referral HSDS 3.0 and can be imported by other directories.
hsds-export-json = Services as JSON
hsds-export-json-hint = Every service, fully nested (organisation, locations, phones, schedules, fees…).
hsds-export-zip = All tables as CSV (zip)
hsds-export-zip-hint = The HSDS Tabular Data Package: 21 CSV files and a datapackage.json describing them.

## Report

hsds-report-title = Import report
hsds-report-file = File
hsds-report-format = Format
hsds-report-mode = Rows with problems
hsds-report-status = Result
hsds-report-when = Imported
hsds-report-counts = What changed
hsds-report-table = Table
hsds-report-added = Added
hsds-report-updated = Updated
hsds-report-unchanged = Of which unchanged
hsds-report-removed = Removed
hsds-report-skipped = Skipped
hsds-report-nothing-changed = Nothing was written.
hsds-report-problems = Problems
hsds-report-problems-count = { $errors ->
    [0] No errors
    [one] 1 error
   *[other] { $errors } errors
}, { $notices ->
    [0] no notices
    [one] 1 notice
   *[other] { $notices } notices
}
hsds-report-no-problems = No problems found.
hsds-report-place = Where
hsds-report-field = Field
hsds-report-severity = Severity
hsds-report-message = Problem
hsds-report-refused-help = Nothing was imported. Fix the problems listed below and import the file again, or choose to import only the rows without problems.
hsds-report-partial-help = The rows without problems were imported. The rows listed below (and rows that depend on them) were skipped.
hsds-report-applied-help = Everything in the file was imported.
hsds-report-no-data-help = The file holds no directory data, so nothing was imported.
hsds-severity-error = Error
hsds-severity-notice = Notice
hsds-format-json = JSON
hsds-format-csv = CSV package
hsds-format-unknown = Unknown
hsds-place-whole = whole file
hsds-place-line = line { $line }

hsds-import-status-applied = Imported
hsds-import-status-partial = Partly imported
hsds-import-status-refused = Refused
hsds-import-status-no-data = Nothing to import

hsds-import-done = Import finished.

## Problems (file, table and field are always available as { $file }, { $table }, { $field })

hsds-problem-too-big = The import is larger than { $limit } MB once unzipped. Split it into smaller files.
hsds-problem-not-zip = This is not a zip file that can be read ({ $detail }).
hsds-problem-too-many-files = The zip holds { $count } files; an HSDS package has at most 22.
hsds-problem-zip-entry-unreadable = This file in the zip cannot be read ({ $detail }).
hsds-problem-duplicate-file = The zip holds two files with this name.
hsds-problem-empty = The file is empty.
hsds-problem-ignored-file = Not an HSDS file (only .csv tables, .json documents and datapackage.json are read); ignored.
hsds-problem-descriptor-unreadable = The package descriptor cannot be read; the CSV file names were used instead.
hsds-problem-descriptor-missing-file = The package descriptor lists { $name }, which is not in the package.
hsds-problem-bad-utf8 = The file is not valid UTF-8 text: the first bad byte is at offset { $offset }. Save it as UTF-8 and try again.
hsds-problem-not-number = { $field } must be a number, not { $value }.
hsds-problem-not-scalar = { $field } must be a single value, not a list or an object.
hsds-problem-unknown-table = { $file } is not an HSDS table; it was ignored.
hsds-problem-not-csv = This CSV file cannot be read: { $detail }
hsds-problem-duplicate-column = The column { $field } appears twice in the header.
hsds-problem-unknown-column = { $field } is not an HSDS field of { $table }; it was ignored.
hsds-problem-wrong-field-count = This row has { $found } values but the header has { $expected } columns.
hsds-problem-duplicate-id = The id { $value } is used twice in { $table } (first at { $first }).
hsds-problem-conflicting-values = This { $table } appears twice with different values for { $field } ({ $value } here; see { $first }).
hsds-problem-link-conflict = This { $table } is nested under another parent than its { $field } says ({ $value }); { $kept } was kept.
hsds-problem-not-json = This is not valid JSON (line { $line }, column { $column }).
hsds-problem-no-data = This file holds no directory data (for example an HSDS API description), so there is nothing to import.
hsds-problem-not-document = This JSON is neither an HSDS document, a list of them, nor HSDS tables.
hsds-problem-not-object = An HSDS object was expected here.
hsds-problem-not-array = A list of { $table } objects was expected here.
hsds-problem-unknown-document = This object does not look like any HSDS object (service, organization, location…).
hsds-problem-missing-required = { $field } is required for every { $table }.
hsds-problem-not-uuid = { $field } must be a UUID (like 3f7b145d-84af-42d7-8fae-eaca714b02b2), not { $value }.
hsds-problem-not-date = { $field } must be a date written YYYY-MM-DD, not { $value }.
hsds-problem-not-time = { $field } must be a time written HH:MM or HH:MM:SS, not { $value }.
hsds-problem-not-datetime = { $field } must be a date and time (like 2024-05-01T09:30:00Z), not { $value }.
hsds-problem-not-email = { $field } must be an e-mail address, not { $value }.
hsds-problem-not-uri = { $field } must be a full web address (starting with https:// or similar), not { $value }.
hsds-problem-out-of-range = { $field } { $value } is outside ±{ $limit } degrees; it was kept, but the place will not show on a map.
hsds-problem-unknown-link = { $field } names the { $target } { $value }, which is neither in this import nor in the directory.
hsds-problem-dangling-link = { $field } names the { $target } { $value }, which is neither in this import nor in the directory; the link was kept as given.
hsds-problem-orphan = This { $table } is not attached to anything that exists (no service, location, organization or contact it names is known).
hsds-problem-skipped-dependent = Skipped because it depends on the { $target } { $value }, which has problems.
hsds-problem-more = { $count } more rows with the same problem ({ $code }).
hsds-problem-more-all = { $count } more problems not listed.

## The /hsds/ API

hsds-api-off = This organisation does not publish its directory.
hsds-api-token = A valid token is required (Authorization: Bearer <token>, or ?token=).
hsds-api-not-found = Nothing with this id is in the directory.
hsds-api-bad-page = page must be a whole number of 1 or more.
hsds-api-bad-per-page = per_page must be a whole number of 1 or more (at most 100 are returned).
hsds-api-bad-boolean = { $param } must be true or false.
hsds-api-bad-datetime = modified_after must be a date and time like 2024-05-01T00:00:00Z (or a date like 2024-05-01).
hsds-api-bad-format = format must be json or ndjson.
hsds-api-bad-param = { $param } is not valid here.
hsds-api-unknown-path = There is no such HSDS endpoint.

hsds-import-history-more = { $count } older imports are not listed (the API lists them all).
hsds-import-changes-summary = { $added } added, { $updated } updated, { $removed } removed
hsds-api-bad-mode = mode must be all-or-nothing or valid-rows-only.
hsds-api-bad-export-format = format must be json or csv.
