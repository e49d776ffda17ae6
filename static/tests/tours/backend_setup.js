/**
 * A manager connects a TrackOnline backend to the sandbox from the form, tests the
 * connection, syncs transactions, then looks at the dashboard and the reports.
 * The test sets the sandbox's address and API key as cookies (its port changes per run).
 */
import { registry } from "@web/core/registry";

function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

registry.category("web_tour.tours").add("tracking_connector_backend_setup", {
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: "div[name='name'] input",
            run: "edit Sandbox TrackOnline",
        },
        {
            trigger: "div[name='base_url'] input",
            run(helpers) {
                return helpers.edit(cookie("tc_sandbox_url"));
            },
        },
        {
            trigger: "div[name='api_key'] input",
            run(helpers) {
                return helpers.edit(cookie("tc_sandbox_key"));
            },
        },
        {
            trigger: "div[name='start_date'] input",
            run: "edit 01/01/2026",
        },
        {
            trigger: "div[name='window_days'] input",
            run: "edit 400",
        },
        {
            content: "Test connection (saves the new backend first)",
            trigger: ".o_form_view button[name='action_test_connection']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Connection works')",
        },
        {
            trigger: ".o_form_view button[name='action_sync_transactions']",
            run: "click",
        },
        {
            content: "The end notification says what the run did",
            trigger: ".o_notification:contains('created, 0 updated')",
        },
        {
            content: "The transactions are there",
            trigger: ".o_form_view button[name='action_view_transactions']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "The transactions' pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot .o_pivot_cell_value",
        },
        {
            content: "The dashboard",
            trigger: ".o_main_navbar [data-menu-xmlid='tracking_connector.menu_tracking_dashboard']",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Sandbox TrackOnline') button[name='action_sync_transactions']",
            run: "click",
        },
        {
            content: "Synced again: nothing new",
            trigger: ".o_notification:contains('0 created')",
        },
        {
            trigger: ".o_kanban_record:contains('Sandbox TrackOnline'):contains('Connected')",
        },
        {
            content: "OpusCapita events as a graph",
            trigger: ".o_main_navbar button[data-menu-xmlid='tracking_connector.menu_opuscapita']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='tracking_connector.menu_opuscapita_event']",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer",
        },
    ],
});
