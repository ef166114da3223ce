# The resource directory (CSE 6.02): search, resources, the edit form, verification, duplicates, settings.
nav-directory = Resource directory

directory-title = Resource directory
directory-new = Add a resource
directory-search-label = Search the directory
directory-search-placeholder = What do they need? e.g. food, housing, detox
directory-search-hint = Describe the need in everyday words. Spelling mistakes are fine, and similar words are found too (food also finds pantries and meals).
directory-filters = Filters
directory-filter-term = Type of service
directory-any-term = Any type
directory-filter-language = Language offered
directory-any-language = Any language
directory-filter-free = Free or low cost only
directory-filter-age = Age of the person
directory-filter-age-hint = Only services whose age limits include this age.
directory-filter-open-now = Open now
directory-filter-near = Near a place
directory-filter-near-hint = Latitude and longitude of the place, e.g. 40.7128 and -74.0060. Results are sorted by distance as well as fit.
directory-filter-within = Within
directory-any-distance = Any distance
directory-within-km = { $distance } km
directory-within-mi = { $distance ->
    [one] 1 mile
   *[other] { $distance } miles
}
directory-distance-km = { $distance } km away
directory-distance-mi = { $distance } mi away
directory-filter-inactive = Include inactive and closed services
directory-apply-filters = Apply filters
directory-clear = Clear
directory-organization-filter = Showing services of { $name }.
directory-results-count = { $count ->
    [one] 1 resource found
   *[other] { $count } resources found
}
directory-no-results = No resources match. Try fewer words or filters.
directory-empty = The directory is empty. Add resources one by one or import an HSDS file.
directory-for-person = Finding a resource for { $name }
directory-for-person-language = resources in { $language } come first
directory-back-to-person = Back to their record
directory-refer-person = Refer { $name }
directory-speaks-language = Speaks their language
directory-open-now = Open now
directory-closed-now = Closed now
directory-stale-tag = Needs verifying
directory-missing-count = { $count ->
    [one] 1 fact missing
   *[other] { $count } facts missing
}

resource-fact-name-location-phone = Name, location and phone
resource-fact-contact-person = Contact person
resource-fact-services = Services
resource-fact-languages = Languages
resource-fact-fees = Fees
resource-fact-eligibility = Eligibility

directory-facts = The six facts
directory-facts-missing = { $count ->
    [one] 1 of the six facts is missing. Ask the provider when you next verify.
   *[other] { $count } of the six facts are missing. Ask the provider when you next verify.
}
directory-fact-missing = Missing
directory-missing-location-phone = No address and no phone number
directory-missing-location = No address or place
directory-missing-phone = No phone number
directory-virtual-place = Online or by phone
directory-extension = ext.
directory-phone-organization = organisation's number
directory-ages-between = Ages { $min } to { $max }
directory-ages-from = Ages { $min } and over
directory-ages-to = Ages up to { $max }
directory-details = Details
directory-hours = Opening hours
directory-all-day = Open all day
directory-valid-from = from { $date }
directory-valid-to = until { $date }
directory-day-nth = { $n ->
    [-1] last { $day }
    [1] 1st { $day }
    [2] 2nd { $day }
    [3] 3rd { $day }
   *[other] { $n }th { $day }
} of the month
directory-day-mo = Mon
directory-day-tu = Tue
directory-day-we = Wed
directory-day-th = Thu
directory-day-fr = Fri
directory-day-sa = Sat
directory-day-su = Sun
directory-day-long-mo = Monday
directory-day-long-tu = Tuesday
directory-day-long-we = Wednesday
directory-day-long-th = Thursday
directory-day-long-fr = Friday
directory-day-long-sa = Saturday
directory-day-long-su = Sunday
directory-alternate-name = Also known as
directory-application-process = How to apply
directory-wait-time = Wait time
directory-interpretation = Interpretation
directory-service-areas = Areas served
directory-required-documents = Documents to bring
directory-accreditations = Accreditations
directory-licenses = Licences
directory-last-modified = Last changed
directory-verification = Verification
directory-last-verified = Last verified { $date }
directory-verified-by = by { $name }
directory-never-verified = Never verified
directory-stale-explained = Not verified in the last { $months } months.
directory-verification-history = Verification history
directory-no-verifications = No verifications recorded yet.
directory-verify-now = Verify now
directory-edit = Edit
directory-refer-someone = Refer someone

directory-status-active = Active
directory-status-temporarily-closed = Temporarily closed
directory-status-inactive = Inactive
directory-status-defunct = Closed for good

directory-fee-free = Free
directory-fee-sliding = Sliding scale
directory-fee-fee = Fee

directory-new-title = Add a resource
directory-edit-title = Edit resource
directory-created = Resource added.
directory-saved = Resource saved.
directory-conflict-explained = Someone saved this resource while you were editing. Your changes are below and have not been saved. Look at the saved version, then save again to keep yours.
directory-conflict-see-saved = See the saved version (opens in a new tab)
directory-section-service = The service
directory-name = Service name
directory-organization = Organisation
directory-organization-hint = The organisation that runs it. Type to pick an existing one; a new name adds a new organisation.
directory-description = What the service offers
directory-description-hint = In plain words, what someone gets there.
directory-status = Status
directory-section-place = Where
directory-section-place-hint = Leave all of these empty for a service delivered only by phone or online.
directory-location-name = Name of the place
directory-address-1 = Street address
directory-address-2 = Address line 2 (optional)
directory-city = Town or city
directory-state-province = State or province
directory-postal-code = ZIP or postal code
directory-country = Country
directory-country-hint = Two letters, e.g. US or CA.
directory-latitude = Latitude
directory-longitude = Longitude
directory-coordinates-hint = Coordinates let people search by distance. Copy them from a map, e.g. 40.7128 and -74.0060.
directory-section-contact = Phone and contact
directory-phone = Phone number
directory-phone-hint = The service's own number. Numbers of its places and organisation are kept.
directory-contact-name = Contact person
directory-contact-title = Their role
directory-contact-email = Their e-mail address
directory-url = Website
directory-email = E-mail address
directory-languages = Languages
directory-other-languages = Other languages
directory-other-languages-hint = Separate them with commas, e.g. Somali, Karen.
directory-fees = Fees
directory-fee-amount = Amount
directory-fee-amount-hint = For a fixed fee, e.g. 25 or 12.50.
directory-fees-description = About the fees
directory-eligibility = Who can use it
directory-minimum-age = Youngest age
directory-maximum-age = Oldest age
directory-eligibility-description = Other eligibility
directory-eligibility-hint = For example: residents of the county, women and their children, no ID needed.
directory-terms = Types of service
directory-new-term = Add a type of service
directory-new-term-hint = A new taxonomy term, added for everyone to choose.
directory-hours-hint = Tick the days it is open and give the times. A closing time before the opening time runs past midnight.
directory-opens = Opens
directory-closes = Closes

directory-error-organization-required = Type the name of the organisation that runs the service
directory-error-organization-unknown = That organisation is not in the directory; choose one from the list or type a new name
directory-error-address-part = Enter this too, or leave the whole address empty
directory-error-country = Use the two-letter country code, like US or CA
directory-error-latitude = Enter a latitude between -90 and 90, like 40.7128
directory-error-longitude = Enter a longitude between -180 and 180, like -74.0060
directory-error-coordinates-pair = Enter both latitude and longitude, or neither
directory-error-contact-name = Enter the contact person's name
directory-error-languages-many = List at most { $max } languages
directory-error-amount = Enter an amount like 25 or 12.50
directory-error-amount-free = A free service has no amount: choose "Fee" or clear the amount
directory-error-age = Enter an age in whole years, from 0 to 120
directory-error-age-order = The oldest age cannot be below the youngest
directory-error-term-unknown = One of the chosen types of service is no longer in the directory; choose again
directory-error-hours-missing = Enter the time, or untick the day
directory-error-url = Enter a web address starting with https:// or http://
directory-error-within = Choose a distance from the list
directory-error-within-needs-place = Enter the place's latitude and longitude to search within a distance
directory-error-verified-too-old = Check the year: enter the date the details were confirmed
directory-error-verify-months = Enter a whole number of months from 1 to 60
directory-error-settings-changed = Someone changed these settings while you were editing; check them and save again
directory-error-merge-same = Choose two different resources
directory-error-merge-keep = Choose which resource to keep
directory-error-merge-changed = One of these resources was changed since this page opened; check them again before merging
directory-error-merge-pair = Open the merge page from the list of likely duplicates
directory-error-merge-pair-explanation = The address must name two different resources.

directory-verify-title = Verify resource details
directory-verify-hint = Confirm the details with the provider, correct anything that changed (Edit), then record the check here.
directory-verified-on = Date confirmed
directory-verify-method = How you confirmed
directory-verify-method-phone = By phone
directory-verify-method-email = By e-mail
directory-verify-method-website = On their website
directory-verify-method-visit = In person
directory-verify-note = Note
directory-verify-note-hint = Optional: who you spoke to, what changed.
directory-verify-save = Record verification
directory-verified = Verification recorded.

directory-stale-title = Needs verifying
directory-stale-intro = Resources never verified, or not verified in the last { $months } months. Never-verified ones come first, then the oldest.
directory-stale-total = to verify
directory-stale-never = never verified
directory-stale-overdue = last verified before { $date }
directory-stale-none = Every resource has been verified recently.
directory-last-verified-column = Last verified
directory-never = Never

directory-duplicates-title = Likely duplicates
directory-duplicates-intro = Pairs of resources with similar names that share a phone number, an address or an organisation. Review each pair: merging keeps one record and moves the other's details into it.
directory-duplicates-none = No likely duplicates found.
directory-duplicate-similarity = Names { $percent }% alike
directory-duplicate-same-phone = same phone
directory-duplicate-same-address = same address
directory-duplicate-same-organization = same organisation
directory-duplicate-review = Review and merge
directory-merge-title = Merge two resources
directory-merge-intro = Choose the record to keep. The other one is removed after its details move over.
directory-merge-keep = Keep
directory-merge-open = Open
directory-merge-explained = Empty fields of the kept record are filled from the other; its places, phones, contacts, languages, hours, fees and types of service that the kept record lacks move over. Referrals and verifications of the removed record move to the kept one.
directory-merge-confirm = Merge
directory-merged = { $referrals ->
    [0] Resources merged.
    [one] Resources merged. 1 referral now names the kept resource.
   *[other] Resources merged. { $referrals } referrals now name the kept resource.
}

directory-refer-title = Refer someone
directory-refer-intro = Find the person to refer to { $name }.
directory-refer-search = Name, phone or record number
directory-refer-nobody = Nobody on your caseload matches.
directory-refer-empty = Search for the person, or open their record and use "Find a resource".

directory-settings-title = Directory settings
directory-settings-saved = Directory settings saved.
directory-verify-months = Verification lasts (months)
directory-verify-months-hint = After this many months a resource needs verifying again. 1 to 60; 12 is usual.
directory-hsds-access = Who may read the directory through the HSDS API
directory-hsds-access-hint = Other services' systems can read your directory in the Open Referral format. Only directory data is shared, never anything about people.
directory-hsds-access-off = Nobody (off)
directory-hsds-access-public = Anyone
directory-hsds-access-token = Only holders of the access token
directory-hsds-address = HSDS API address
directory-hsds-address-hint = Token holders send the token as "Authorization: Bearer <token>".
directory-token-exists = An access token is set.
directory-token-none = No access token has been made yet.
directory-token-generate = Generate a new token
directory-token-replaces = A new token replaces the old one, which stops working at once.
directory-token-created = Here is the new access token. Copy it now: it will not be shown again.
directory-token-use = Give it only to the systems that should read the directory.
