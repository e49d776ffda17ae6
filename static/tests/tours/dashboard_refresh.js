/**
 * What the screen shows after a button: a dashboard card's figures change after its sync
 * (no manual reload), a figure opens the list behind it, the TrackOnline backend form keeps
 * one primary sync button and offers the others in its Actions menu, and a run's
 * notification opens the run log in the same tab. The test creates the backend "Tour
 * TrackOnline" against a sandbox with 30 transactions.
 */
import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains('Tour TrackOnline')";

registry.category("web_tour.tours").add("tracking_connector_dashboard_refresh", {
    steps: () => [
        {
            content: "Nothing synced yet: 0 transactions, not tested",
            trigger: `${CARD}:contains('Not tested') .o_tracking_records .o_tracking_figure:contains(/^\\s*0\\s*$/)`,
        },
        {
            trigger: `${CARD} .o_tracking_records:contains('Transactions')`,
        },
        {
            trigger: `${CARD} button[name='action_sync_transactions']`,
            run: "click",
        },
        {
            trigger: ".o_notification:contains('30 created')",
        },
        {
            content: "The card shows the run's figures without a manual reload",
            trigger: `${CARD} .o_tracking_records .o_tracking_figure:contains(/^\\s*30\\s*$/)`,
        },
        {
            content: "A run that got its answers says the connection works",
            trigger: `${CARD}:contains('Connected'):contains('sync transactions')`,
        },
        {
            content: "The figure opens the transactions of this backend",
            trigger: `${CARD} .o_tracking_records`,
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_last_breadcrumb_item:contains('Tour TrackOnline: Transactions')",
        },
        {
            trigger: ".o_pager_limit:contains(/^\\s*30\\s*$/)",
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
            content: "One primary sync button; the other syncs are not in the header",
            trigger: ".o_form_view .o_statusbar_buttons:has(button.btn-primary[name='action_sync_transactions']):not(:has(button[name='action_sync_locations']))",
        },
        {
            content: "The other syncs are in the Actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Sync locations')",
            run: "click",
        },
        {
            content: "The run's notification links to its run log",
            trigger: ".o_notification:contains('TrackOnline locations') a.o_tracking_run_log",
            run: "click",
        },
        {
            content: "The run log opens in the same tab",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('sync locations')",
        },
    ],
});
