/**
 * Step builders shared by the tours that click the Tracking app's buttons (card_buttons.js,
 * backend_forms.js, record_buttons.js): click a button and read the notification it shows,
 * open a card's menu, open a list or form and come back by the breadcrumb. Each builder
 * returns a list of tour steps; a step that clicks is followed by one that checks what the
 * screen shows afterwards.
 */

import { user } from "@web/core/user";

/**
 * The words a tour expects, in the language of the user it runs for: ``table`` holds them
 * by language (``{ en: {...}, es: {...} }``). A tour that finds its elements by names and
 * classes and reads its words from here runs as it is for a user working in Spanish; a
 * language the table lacks fails the tour.
 */
export function inLanguage(table) {
    const lang = user.lang.split("-")[0];
    if (!table[lang]) {
        throw new Error(`This tour has no words for ${user.lang}`);
    }
    return table[lang];
}

/** A dashboard card, by the backend's name. */
export function card(name) {
    return `.o_kanban_record:has(a[name='action_open_backend']:contains('${name}'))`;
}

/** The notification titled ``title``. */
export function notification(title) {
    return `.o_notification:has(.o_notification_title:contains('${title}'))`;
}

/**
 * A notification titled ``title`` of type ``kind`` (success, warning, danger) shows
 * ``text``; it is closed, and the view has reloaded (no notification left).
 */
export function notified(content, { title, text, kind = "success" }) {
    return [
        {
            content: `${content}: "${title}" says "${text}"`,
            trigger: `${notification(title)}:has(.o_notification_bar.bg-${kind}):contains('${text}')`,
        },
        { trigger: `${notification(title)} .o_notification_close`, run: "click" },
        { trigger: "body:not(:has(.o_notification))" },
    ];
}

/** Click ``trigger``, then the notification it shows (``notified``). */
export function clickAndRead(content, trigger, expected) {
    return [{ content, trigger, run: "click" }, ...notified(content, expected)];
}

/** Open the menu (three dots) of the card of ``name``, then click its item named ``item``. */
export function cardMenu(name, item) {
    return [
        {
            content: `${name}: the card's menu (shown on hover)`,
            trigger: card(name),
            run: `hover && click ${card(name)} .o_dropdown_kanban .dropdown-toggle`,
        },
        { content: `${name}: ${item}`, trigger: `.o-dropdown--menu .dropdown-item[name='${item}']`, run: "click" },
    ];
}

/**
 * Click ``trigger``; the view that opens has the breadcrumb ``breadcrumb`` and shows
 * ``shown`` (a selector); then back by the breadcrumb to the screen that shows ``back``.
 */
export function opensAndBack(content, trigger, breadcrumb, shown, back) {
    return [
        { content, trigger, run: "click" },
        { content: `${content}: "${breadcrumb}" opens`, trigger: `.o_last_breadcrumb_item:contains('${breadcrumb}')` },
        { content: `${content}: it shows ${shown}`, trigger: shown },
        { content: "Back", trigger: ".o_breadcrumb .o_back_button a", run: "click" },
        { trigger: back },
    ];
}
