"""The Fergus simulator, served under /fergus/ (see shared/reference/fergus-api.md §13).

Switches (per company, `sandbox.faults.faults_set("fergus:<company_id>", switches={...})`):

| switch | values (default first) |
|---|---|
| cursor_mode | "keyset" \\| "offset" |
| duplicate_cursor_in_links | False \\| True |
| draft_jobs_visible | False \\| True |
| customer_delete_mode | "soft" \\| "hard" |
| customer_delete_block_if_jobs | False \\| True |
| calendar_list_pagination | False (window only) \\| True |
| validation_as_500 | False \\| True |
| version_body | "message" \\| "envelope" |
| address_names_on_read | "prefixed" \\| "plain" |
| calendar_delete_requires_body | False \\| True |
| contact_create_requires_parent_and_email | False \\| True |
| customer_search_flaky | False \\| True (filterSearchText ignored on /customers) |
| users_active_filter_bug | True \\| False |
| create_returns_bare_object | False \\| True |
| job_customer_reference_on_read | False \\| True |
| attachments_endpoint | False \\| True (POST /attachments answers 201, stores nothing) |
| forbidden_body_html | False \\| True |
| empty_json_body_rejected | True \\| False (bodiless request with a JSON content type → 400) |

Permissions (a choice; the reference only says PATs carry their user's permissions): users
whose userType is not "full_user" get 403 on DELETE /customers/{id} and on PATCH of another
user. Faults (latency, 5xx, storms, outages, late commits) and the rate limit come from the
shared fault profile of the same scope.
"""
