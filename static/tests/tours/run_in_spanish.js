/**
 * A run started by a user working in English, read by a user working in Spanish: the
 * dashboard card's connection, last run, its state and summary, then the run log's list and
 * form, all in Spanish. The test syncs the 30 transactions of "Tour TrackOnline" as the
 * English admin, then runs this tour as a Spanish user.
 */
import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains('Tour TrackOnline')";
const SUMMARY = "creados: 30, actualizados: 0";

registry.category("web_tour.tours").add("tracking_connector_run_in_spanish", {
    steps: () => [
        {
            content: "The dashboard state: connected, in Spanish",
            trigger: `${CARD} .o_field_widget[name='connection']:contains('Conectado')`,
        },
        {
            content: "The last run's name and state, in Spanish",
            trigger: `${CARD}:contains('sincronizar transacciones') .o_field_widget[name='last_sync_state']:contains('Hecho')`,
        },
        {
            content: "The last run's summary, in Spanish",
            trigger: `${CARD}:contains('${SUMMARY}'):contains('fallidos: 0')`,
        },
        {
            content: "The card's runs",
            trigger: `${CARD} button[name='action_view_sync_logs']`,
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row:contains('sincronizar transacciones'):contains('${SUMMARY}')`,
        },
        {
            trigger: ".o_list_view .o_data_row td[name='name']",
            run: "click",
        },
        {
            content: "The run log: its name and summary in Spanish",
            trigger: `.o_form_view h1:contains('sincronizar transacciones')`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name='summary']:contains('${SUMMARY}'):contains('omitidos')`,
        },
    ],
});
