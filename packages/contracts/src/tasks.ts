/** Tasks service contracts (interfaces.md §1.3, §4.4): filled in by the Tasks service. */
export {};
