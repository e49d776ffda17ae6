/**
 * "tracking_activity": a dashboard card's recent activity at a glance, one bar a day over the
 * last weeks (the card's JSON field activity: [{day, records, failed}, ...], oldest first).
 * A bar's height is the records the runs saved that day; a day with failed runs has a red
 * mark under its bar. Each bar says its day and figures on hover (and carries them in
 * data-records and data-failed); a line under the bars gives the totals, which the image
 * also reads aloud. What a render shows is worked out once per render from the record
 * (``activityView``), never added up into the component: a second render, or a template
 * that reads the totals twice, cannot count a day twice.
 */
import { Component, onWillRender, xml } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatDate } from "@web/core/l10n/dates";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;
const HEIGHT = 28;
const MARK = 3;

export class TrackingActivity extends Component {
    static template = xml`
        <div class="o_tracking_activity">
            <svg t-att-viewBox="'0 0 ' + (view.days.length * 4) + ' ' + (${HEIGHT} + ${MARK} + 1)"
                 preserveAspectRatio="none" width="100%" height="${HEIGHT + MARK + 1}"
                 role="img" t-att-aria-label="view.totalText">
                <t t-foreach="view.days" t-as="day" t-key="day.day">
                    <g class="o_tracking_day" t-att-data-day="day.day"
                       t-att-data-records="day.records" t-att-data-failed="day.failed">
                        <title t-esc="day.title"/>
                        <rect class="o_tracking_bar_back" t-att-x="day_index * 4" y="0" width="3"
                              height="${HEIGHT}" fill="transparent"/>
                        <rect t-att-x="day_index * 4" y="${HEIGHT - 1}" width="3" height="1"
                              fill="currentColor" opacity="0.2"/>
                        <rect t-if="day.records" class="o_tracking_bar_records"
                              t-att-x="day_index * 4" t-att-y="${HEIGHT} - day.height" width="3"
                              t-att-height="day.height" fill="currentColor" opacity="0.45"/>
                        <rect t-if="day.failed" class="o_tracking_bar_failed text-danger"
                              t-att-x="day_index * 4" y="${HEIGHT + 1}" width="3" height="${MARK}"
                              fill="#dc3545"/>
                    </g>
                </t>
            </svg>
            <div class="o_tracking_activity_total small text-muted" t-esc="view.totalText"/>
        </div>`;
    static props = { ...standardFieldProps };

    setup() {
        onWillRender(() => {
            this.view = activityView(this.props.record.data[this.props.name] || []);
        });
    }
}

/** What the widget shows of ``days`` (the field's value): each bar, and the totals line. */
export function activityView(days) {
    const most = Math.max(1, ...days.map((day) => day.records));
    return {
        days: days.map((day) => ({
            ...day,
            height: day.records ? Math.max(1, Math.round((day.records / most) * HEIGHT)) : 0,
            title: _t("%(day)s — records saved: %(records)s, failed runs: %(failed)s", {
                day: formatDate(DateTime.fromISO(day.day)),
                records: day.records,
                failed: day.failed,
            }),
        })),
        totalText: _t("Last %(count)s days — records saved: %(records)s, failed runs: %(failed)s", {
            count: days.length,
            records: days.reduce((sum, day) => sum + day.records, 0),
            failed: days.reduce((sum, day) => sum + day.failed, 0),
        }),
    };
}

registry.category("fields").add("tracking_activity", {
    component: TrackingActivity,
    supportedTypes: ["json"],
});
