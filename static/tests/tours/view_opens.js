/** Opened on any action of the Tracking app: its view loads, and no error dialog shows. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracking_connector_view_opens", {
    steps: () => [
        {
            content: "The action's view is loaded",
            trigger: ".o_view_controller",
        },
        {
            content: "No error dialog",
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
