# Curricula: the list, a curriculum and its versions, writing a version, files, print and export.
# (The status labels curriculum-status-* are with the other group codes in groups.ftl.)

curricula-title = Curricula
curricula-lede = Group curricula: sessions with their topics, objectives, activities and materials. Every save keeps the earlier versions, and each group follows the version chosen on the group's page.
curricula-new = New curriculum
curricula-none = No curricula yet.
curricula-filter-label = Show curricula
curricula-filter-all = All
curricula-filter-active = Active
curricula-filter-retired = Retired
curricula-current-version = Version
curricula-sessions = Sessions
curricula-groups = Groups following
curricula-status = Status
curricula-last-changed = Last changed

curriculum-title = Title
curriculum-summary = Summary
curriculum-summary-hint = What the curriculum is about and what members gain from it.
curriculum-audience = Audience
curriculum-audience-hint = Who it is written for, for example "adults in early recovery" or "family members".
curriculum-sessions = Sessions
curriculum-sessions-hint = One box per session. Leave a box empty to skip it. To move a session, give it the number of the place it should take; the others move along.
curriculum-session-n = Session { $number }
curriculum-session-new = New session
curriculum-session-remove = Remove this session from the new version
curriculum-position = Place
curriculum-position-hint = "Place" sets the order: sessions are numbered 1, 2, 3… when saved. A new session without a place goes last.
curriculum-topic = Topic
curriculum-objectives = Objectives
curriculum-activities = Activities
curriculum-materials = Materials
curriculum-material-label = Name
curriculum-material-url = Link (https://…)
curriculum-material-file = File
curriculum-material-remove = Remove
curriculum-more-rows = More session rows
curriculum-files-hint = To add a file, save first, then use "Add a file" on the curriculum's page.
curriculum-change-note = Change note
curriculum-change-note-hint = What this version changes, in a few words.
curriculum-create = Create curriculum
curriculum-save-version = Save as version { $number }
curriculum-cancel = Cancel
curriculum-edit = Edit curriculum
curriculum-form-lede-new = The curriculum starts at version 1. Files can be added once it is saved.
curriculum-form-lede-edit = Saving makes version { $number }. Earlier versions stay readable, and groups keep the version they follow.
curriculum-created = Curriculum created.
curriculum-saved-notice = New version saved.

curriculum-conflict-title = Someone saved this curriculum while you were editing
curriculum-conflict-lede = Version { $current } was saved by { $name } at { $at }; you started from version { $base }. Nothing of yours was saved yet.
curriculum-conflict-no-changes = It changes nothing you can see here.
curriculum-conflict-next = Your changes are still in the form below. Check them against the list, then save again to make version { $number }.
curriculum-conflict-open = Open the current version in a new tab
curriculum-change-detail = { $field } changed from "{ $before }" to "{ $after }"
curriculum-change-added = Session { $number } added: { $topic }
curriculum-change-removed = Session { $number } removed: { $topic }
curriculum-change-changed = Session { $number } ({ $topic }): { $what } changed
curriculum-change-moved = place (was { $number })
curriculum-field-topic = topic
curriculum-field-objectives = objectives
curriculum-field-activities = activities
curriculum-field-materials = materials

curriculum-version = Version
curriculum-version-n = Version { $number }
curriculum-versions = Versions
curriculum-saved = Saved
curriculum-saved-by = Saved by
curriculum-saved-at = saved { $at }
curriculum-saved-on = saved { $date }
curriculum-current-tag = current
curriculum-older-version = This is an earlier version; the current one is version { $number }.
curriculum-see-current = See the current version
curriculum-retired-explained = This curriculum is retired: it is kept for the record and can no longer be changed. Reactivate it to write a new version.
curriculum-print = Print or save as PDF
curriculum-export-md = Download as Markdown
curriculum-groups-following = Groups following this curriculum
curriculum-groups-keep-version = Saving a new version does not change any group: each group keeps the version it follows until someone changes it on the group's edit page.
curriculum-no-groups = No group follows this curriculum.
curriculum-group = Group
curriculum-group-version = Follows
curriculum-group-status = Group status
curriculum-this-version = this version
curriculum-older-tag = earlier version
curriculum-files = Files ({ $count })

curriculum-upload-title = Add a file
curriculum-upload-hint = The file is added to the chosen session's materials in a new version.
curriculum-upload-limits = Up to { $max }: { $types }.
curriculum-upload-session = Session
curriculum-upload-file = File
curriculum-upload-label-hint = Leave empty to use the file's name.
curriculum-upload-submit = Upload and save as version { $number }
curriculum-upload-conflict = Someone saved a new version meanwhile, so the file was not added. Check the sessions below, choose the file again and upload it.
curriculum-file-added = File added to the session in a new version.

curriculum-retire-title = Retire this curriculum
curriculum-retire-hint = A retired curriculum is kept for the record and is no longer changed.
curriculum-retire-followers = { $count ->
    [one] One group still follows it. Retiring does not change that group; change its curriculum on the group's edit page if needed.
   *[other] { $count } groups still follow it. Retiring does not change those groups; change their curriculum on each group's edit page if needed.
}
curriculum-retire = Retire
curriculum-retire-confirm = Retire this curriculum? Groups following it keep their version.
curriculum-reactivate = Make active again
curriculum-retired-notice = Curriculum retired.
curriculum-reactivated = Curriculum active again.

curriculum-print-back = Back to the curriculum
curriculum-print-how = Use your browser's Print command (Ctrl+P or ⌘P) and choose "Save as PDF" to keep a copy.
curriculum-printed-on = printed { $date }

error-curriculum-no-sessions = Add at least one session with a topic
error-curriculum-too-many-sessions = A curriculum can have at most { $max } sessions
error-curriculum-too-many-materials = A session can have at most { $max } materials
error-curriculum-link = Enter a web address starting with http:// or https://
error-curriculum-link-missing = Enter the link's web address (https://…), or remove the name
error-curriculum-file-unknown = That file does not belong to this curriculum; upload it first
error-curriculum-file-missing = Choose a file to upload
error-curriculum-file-too-big = The file is larger than { $max }; make it smaller or share it as a link
error-curriculum-file-type = This type of file cannot be added. Accepted: { $types }
error-curriculum-file-mismatch = The file's content is not a .{ $extension } file; check it opens on your computer, or save it again as .{ $extension }
error-curriculum-session-unknown = Choose one of the sessions shown
error-curriculum-retired = This curriculum is retired; make it active again before changing it
