// The product's labels, as the API spells them.
export const CATEGORIES = [
  ["billing", "Billing"],
  ["technical", "Technical"],
  ["account", "Account"],
  ["general", "General"],
];
export const PRIORITIES = [
  ["low", "Low"],
  ["medium", "Medium"],
  ["high", "High"],
  ["critical", "Critical"],
];
export const STATUSES = [
  ["open", "Open"],
  ["in_progress", "In progress"],
  ["resolved", "Resolved"],
  ["closed", "Closed"],
];
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10000;

export const label = (choices, value) => (choices.find(([v]) => v === value) || [value, value])[1];
