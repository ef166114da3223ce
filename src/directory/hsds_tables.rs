//! The tables of the Open Referral Human Services Data Specification 3.0, as data: each table's name,
//! its CSV file in a Tabular Data Package, and its fields. The directory stores every table with
//! exactly these fields (`hsds_<table>` in the database, plus `org_id` and row bookkeeping), so an
//! import keeps everything and an export gives it back.

/// How a field's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// An identifier (HSDS asks for UUIDs).
    Id,
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// `HH:MM` or `HH:MM:SS`.
    Time,
    /// RFC 3339.
    DateTime,
    Email,
    Uri,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// The HSDS name, e.g. `service_at_location`.
    pub name: &'static str,
    /// The file in a Tabular Data Package, e.g. `service_at_location.csv`.
    pub csv: &'static str,
    /// The database table.
    pub sql: &'static str,
    /// `id` first.
    pub fields: &'static [Field],
    /// Fields naming a row of another table: (field, table).
    pub links: &'static [(&'static str, &'static str)],
}

impl Table {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Every table, parents before the tables that link to them.
pub fn tables() -> &'static [Table] {
    TABLES
}

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

pub fn table_for_csv(file: &str) -> Option<&'static Table> {
    // Spreadsheet tools and other operating systems change the case of file names.
    TABLES.iter().find(|t| t.csv.eq_ignore_ascii_case(file))
}

const fn f(name: &'static str, kind: FieldKind, required: bool) -> Field {
    Field { name, kind, required }
}

use FieldKind::*;

const TABLES: &[Table] = &[
    Table {
        name: "organization",
        csv: "organizations.csv",
        sql: "hsds_organization",
        fields: &[
            f("id", Id, true),
            f("name", Text, true),
            f("alternate_name", Text, false),
            f("description", Text, true),
            f("email", Email, false),
            f("website", Uri, false),
            f("tax_status", Text, false),
            f("tax_id", Text, false),
            f("year_incorporated", Number, false),
            f("legal_status", Text, false),
            f("logo", Text, false),
            f("uri", Uri, false),
            f("parent_organization_id", Id, false),
        ],
        links: &[],
    },
    Table {
        name: "program",
        csv: "programs.csv",
        sql: "hsds_program",
        fields: &[
            f("id", Id, true),
            f("organization_id", Id, true),
            f("name", Text, true),
            f("alternate_name", Text, false),
            f("description", Text, true),
        ],
        links: &[("organization_id", "organization")],
    },
    Table {
        name: "taxonomy",
        csv: "taxonomies.csv",
        sql: "hsds_taxonomy",
        fields: &[
            f("id", Id, true),
            f("name", Text, true),
            f("description", Text, true),
            f("uri", Uri, false),
            f("version", Text, false),
        ],
        links: &[],
    },
    Table {
        name: "taxonomy_term",
        csv: "taxonomy_terms.csv",
        sql: "hsds_taxonomy_term",
        fields: &[
            f("id", Id, true),
            f("code", Text, false),
            f("name", Text, true),
            f("description", Text, true),
            f("parent_id", Id, false),
            f("taxonomy", Text, false),
            f("language", Text, false),
            f("taxonomy_id", Id, false),
            f("term_uri", Uri, false),
        ],
        links: &[("taxonomy_id", "taxonomy")],
    },
    Table {
        name: "service",
        csv: "services.csv",
        sql: "hsds_service",
        fields: &[
            f("id", Id, true),
            f("organization_id", Id, true),
            f("program_id", Id, false),
            f("name", Text, true),
            f("alternate_name", Text, false),
            f("description", Text, false),
            f("url", Uri, false),
            f("email", Email, false),
            f("status", Text, true),
            f("interpretation_services", Text, false),
            f("application_process", Text, false),
            f("fees_description", Text, false),
            f("wait_time", Text, false),
            f("fees", Text, false),
            f("accreditations", Text, false),
            f("eligibility_description", Text, false),
            f("minimum_age", Number, false),
            f("maximum_age", Number, false),
            f("assured_date", Date, false),
            f("assurer_email", Email, false),
            f("licenses", Text, false),
            f("alert", Text, false),
            f("last_modified", DateTime, false),
        ],
        links: &[("organization_id", "organization"), ("program_id", "program")],
    },
    Table {
        name: "location",
        csv: "locations.csv",
        sql: "hsds_location",
        fields: &[
            f("id", Id, true),
            f("location_type", Text, true),
            f("url", Uri, false),
            f("organization_id", Id, false),
            f("name", Text, false),
            f("alternate_name", Text, false),
            f("description", Text, false),
            f("transportation", Text, false),
            f("latitude", Number, false),
            f("longitude", Number, false),
            f("external_identifier", Text, false),
            f("external_identifier_type", Text, false),
        ],
        links: &[("organization_id", "organization")],
    },
    Table {
        name: "service_at_location",
        csv: "service_at_location.csv",
        sql: "hsds_service_at_location",
        fields: &[
            f("id", Id, true),
            f("service_id", Id, true),
            f("location_id", Id, true),
            f("description", Text, false),
        ],
        links: &[("service_id", "service"), ("location_id", "location")],
    },
    Table {
        name: "address",
        csv: "addresses.csv",
        sql: "hsds_address",
        fields: &[
            f("id", Id, true),
            f("location_id", Id, false),
            f("attention", Text, false),
            f("address_1", Text, true),
            f("address_2", Text, false),
            f("city", Text, true),
            f("region", Text, false),
            f("state_province", Text, true),
            f("postal_code", Text, true),
            f("country", Text, true),
            f("address_type", Text, true),
        ],
        links: &[("location_id", "location")],
    },
    Table {
        name: "contact",
        csv: "contacts.csv",
        sql: "hsds_contact",
        fields: &[
            f("id", Id, true),
            f("organization_id", Id, false),
            f("service_id", Id, false),
            f("service_at_location_id", Id, false),
            f("location_id", Id, false),
            f("name", Text, false),
            f("title", Text, false),
            f("department", Text, false),
            f("email", Email, false),
        ],
        links: &[
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ],
    },
    Table {
        name: "phone",
        csv: "phones.csv",
        sql: "hsds_phone",
        fields: &[
            f("id", Id, true),
            f("location_id", Id, false),
            f("service_id", Id, false),
            f("organization_id", Id, false),
            f("contact_id", Id, false),
            f("service_at_location_id", Id, false),
            f("number", Text, true),
            f("extension", Number, false),
            f("type", Text, false),
            f("description", Text, false),
        ],
        links: &[
            ("contact_id", "contact"),
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ],
    },
    Table {
        name: "schedule",
        csv: "schedules.csv",
        sql: "hsds_schedule",
        fields: &[
            f("id", Id, true),
            f("service_id", Id, false),
            f("location_id", Id, false),
            f("service_at_location_id", Id, false),
            f("valid_from", Date, false),
            f("valid_to", Date, false),
            f("dtstart", Date, false),
            f("timezone", Number, false),
            f("until", Date, false),
            f("count", Number, false),
            f("wkst", Text, false),
            f("freq", Text, false),
            f("interval", Number, false),
            f("byday", Text, false),
            f("byweekno", Text, false),
            f("bymonthday", Text, false),
            f("byyearday", Text, false),
            f("description", Text, false),
            f("opens_at", Time, false),
            f("closes_at", Time, false),
            f("schedule_link", Uri, false),
            f("attending_type", Text, false),
            f("notes", Text, false),
        ],
        links: &[
            ("location_id", "location"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ],
    },
    Table {
        name: "service_area",
        csv: "service_areas.csv",
        sql: "hsds_service_area",
        fields: &[
            f("id", Id, true),
            f("service_id", Id, false),
            f("name", Text, false),
            f("description", Text, false),
            f("extent", Text, false),
            f("extent_type", Text, false),
            f("uri", Text, false),
        ],
        links: &[("service_id", "service")],
    },
    Table {
        name: "language",
        csv: "languages.csv",
        sql: "hsds_language",
        fields: &[
            f("id", Id, true),
            f("service_id", Id, false),
            f("location_id", Id, false),
            f("phone_id", Id, false),
            f("name", Text, false),
            f("code", Text, false),
            f("note", Text, false),
        ],
        links: &[("location_id", "location"), ("phone_id", "phone"), ("service_id", "service")],
    },
    Table {
        name: "funding",
        csv: "funding.csv",
        sql: "hsds_funding",
        fields: &[
            f("id", Id, true),
            f("organization_id", Id, false),
            f("service_id", Id, false),
            f("source", Text, false),
        ],
        links: &[("organization_id", "organization"), ("service_id", "service")],
    },
    Table {
        name: "cost_option",
        csv: "cost_options.csv",
        sql: "hsds_cost_option",
        fields: &[
            f("id", Id, true),
            f("service_id", Id, true),
            f("valid_from", Date, false),
            f("valid_to", Date, false),
            f("option", Text, false),
            f("currency", Text, false),
            f("amount", Number, false),
            f("amount_description", Text, false),
        ],
        links: &[("service_id", "service")],
    },
    Table {
        name: "required_document",
        csv: "required_documents.csv",
        sql: "hsds_required_document",
        fields: &[f("id", Id, true), f("service_id", Id, false), f("document", Text, false), f("uri", Uri, false)],
        links: &[("service_id", "service")],
    },
    Table {
        name: "accessibility",
        csv: "accessibility.csv",
        sql: "hsds_accessibility",
        fields: &[
            f("id", Id, true),
            f("location_id", Id, false),
            f("description", Text, false),
            f("details", Text, false),
            f("url", Uri, false),
        ],
        links: &[("location_id", "location")],
    },
    Table {
        name: "organization_identifier",
        csv: "organization_identifiers.csv",
        sql: "hsds_organization_identifier",
        fields: &[
            f("id", Id, true),
            f("organization_id", Id, true),
            f("identifier_scheme", Text, false),
            f("identifier_type", Text, true),
            f("identifier", Text, true),
        ],
        links: &[("organization_id", "organization")],
    },
    Table {
        name: "attribute",
        csv: "attributes.csv",
        sql: "hsds_attribute",
        fields: &[
            f("id", Id, true),
            f("link_id", Id, true),
            f("taxonomy_term_id", Id, true),
            f("link_type", Text, false),
            f("link_entity", Text, true),
            f("value", Text, false),
        ],
        links: &[("taxonomy_term_id", "taxonomy_term")],
    },
    Table {
        name: "metadata",
        csv: "metadata.csv",
        sql: "hsds_metadata",
        fields: &[
            f("id", Id, true),
            f("resource_id", Id, true),
            f("resource_type", Text, true),
            f("last_action_date", Date, true),
            f("last_action_type", Text, true),
            f("field_name", Text, true),
            f("previous_value", Text, true),
            f("replacement_value", Text, true),
            f("updated_by", Text, true),
        ],
        links: &[],
    },
    Table {
        name: "meta_table_description",
        csv: "meta_table_descriptions.csv",
        sql: "hsds_meta_table_description",
        fields: &[
            f("id", Id, true),
            f("name", Text, false),
            f("language", Text, false),
            f("character_set", Text, false),
        ],
        links: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_starts_with_its_id_and_links_to_known_tables() {
        assert_eq!(tables().len(), 21);
        for t in tables() {
            assert_eq!(t.fields[0].name, "id", "{}", t.name);
            for (field, target) in t.links {
                assert!(t.field(field).is_some(), "{}.{field}", t.name);
                assert!(table(target).is_some(), "{} links to {target}", t.name);
            }
        }
        assert_eq!(table_for_csv("services.csv").map(|t| t.name), Some("service"));
    }
}
