/**
 * Open errors lead to their lists: the dashboard card of "Tour TrackOnline" (one transaction
 * kept to retry) links its items to retry, and the backend form's "Items to retry" smart
 * button opens the same filtered list.
 */
import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains('Tour TrackOnline')";

registry.category("web_tour.tours").add("tracking_connector_items_to_retry", {
    steps: () => [
        {
            content: "The card's open errors name their source",
            trigger: `${CARD} .o_tracking_error_source[data-source='kept']:contains('Items to retry: 1')`,
            run: "click",
        },
        {
            content: "The items to retry of this backend",
            trigger: ".o_last_breadcrumb_item:contains('Tour TrackOnline: items to retry')",
        },
        {
            trigger: ".o_list_view .o_data_row:only:contains('Tour TrackOnline')",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .o_back_button a",
            run: "click",
        },
        {
            trigger: `${CARD} button[name='action_open_backend']`,
            run: "click",
        },
        {
            content: "The backend form's smart button counts the open items",
            trigger: ".o_form_view button[name='action_view_failed_units']:contains('Items to retry'):contains('1')",
            run: "click",
        },
        {
            content: "It opens the same filtered list",
            trigger: ".o_list_view .o_data_row:only:contains('Tour TrackOnline')",
        },
        {
            trigger: ".o_facet_values:contains('Open')",
        },
    ],
});
