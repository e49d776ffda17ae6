/**
 * A run's errors and its item to retry, started by a user working in English, read by a user
 * working in Spanish: the run logs grouped by operation, the run's error lines and the
 * item's error in Spanish; the row as received stays as it was. The test syncs the
 * transactions of "Tour TrackOnline" (one without an id) as the English admin first.
 */
import { registry } from "@web/core/registry";

const SKIPPED = "transacción sin id omitido, añadido a los elementos por reintentar";

registry.category("web_tour.tours").add("tracking_connector_errors_in_spanish", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('sincronizar transacciones')",
        },
        {
            content: "Group the runs by operation",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_group_by_menu .o-dropdown-item:contains('Operación')",
            run: "click",
        },
        {
            content: "The group is named in Spanish",
            trigger: ".o_list_view .o_group_name:contains('sincronizar transacciones (1)')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='name']:contains('sincronizar transacciones')",
            run: "click",
        },
        {
            content: "The run's error lines, in Spanish",
            trigger: `.o_form_view .o_field_widget[name='errors']:contains('${SKIPPED}')`,
        },
        {
            trigger: ".o_form_view button[name='action_open_failed_units']",
            run: "click",
        },
        {
            content: "The item to retry's error, in Spanish",
            trigger: `.o_list_view .o_data_row:only td[name='reason']:contains('${SKIPPED}')`,
        },
    ],
});
