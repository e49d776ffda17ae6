/**
 * TrackOnline > Reporting > Items by Location, opened from the menus as a Tracking user,
 * in English or in Spanish: it opens on its Favorite (this year, by location type) and its
 * figures are those tests/test_ui_buttons.py computed from the synced transactions (the
 * sandbox's 30, dated this year by the test): the Carriers received 733 items and sent
 * 494, all types together 2697 each way.
 */
import { registry } from "@web/core/registry";
import { inLanguage } from "./tour_steps";

const FIGURES = { carrier: [733, 494], total: [2697, 2697] };

/** The pivot's row headed ``label`` shows ``figures`` (received, sent). */
function pivotRow(content, label, figures) {
    return {
        content: `${content}: ${label} ${figures.join(", ")}`,
        trigger: `.o_pivot table tbody tr:has(th:contains('${label}')) td.o_pivot_cell_value .o_value`,
        run() {
            const row = this.anchor.closest("tr");
            const shown = [...row.querySelectorAll("td.o_pivot_cell_value")]
                .map((cell) => Number(cell.textContent.replace(/[^\d-]/g, "")));
            if (String(shown) !== String(figures)) {
                throw new Error(`The row "${label}" shows ${shown}, not ${figures}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("tracking_connector_items_by_location", {
    steps: () => {
        const words = inLanguage({
            en: { title: "Transaction Items by Location", favorite: "this year by location type", carrier: "Carrier", received: "Quantity received", sent: "Quantity sent" },
            // The Favorite's name is data (ir.filters), the same in every language.
            es: { title: "Artículos de transacciones por ubicación", favorite: "this year by location type", carrier: "Transportista", received: "Cantidad recibida", sent: "Cantidad enviada" },
        });
        return [
            { content: "The TrackOnline menu", trigger: ".o_main_navbar [data-menu-xmlid='tracking_connector.menu_trackonline']", run: "click" },
            { content: "Reporting: Items by Location", trigger: ".dropdown-item[data-menu-xmlid='tracking_connector.menu_trackonline_location_year']", run: "click" },
            { content: "It opens its pivot", trigger: `.o_last_breadcrumb_item:contains('${words.title}')` },
            {
                content: "on its Favorite: this year, by location type",
                trigger: `.o_searchview .o_facet_values:contains('${words.favorite}')`,
            },
            {
                content: "Its measures: what each type received and sent",
                trigger: `.o_pivot thead:contains('${words.received}'):contains('${words.sent}')`,
            },
            pivotRow("The Carriers", words.carrier, FIGURES.carrier),
            pivotRow("All types", "Total", FIGURES.total),
        ];
    },
});
