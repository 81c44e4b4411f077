/** Documents service contracts (interfaces.md §1.4, §2.2; platform.md §3). */
export {};
