import { create } from 'zustand';

interface UiState {
  /** The navigation drawer on narrow screens (always shown from the `sm` breakpoint up). */
  navbarOpened: boolean;
  toggleNavbar: () => void;
  closeNavbar: () => void;
}

export const useUiStore = create<UiState>()((set) => ({
  navbarOpened: false,
  toggleNavbar: () => set((state) => ({ navbarOpened: !state.navbarOpened })),
  closeNavbar: () => set({ navbarOpened: false }),
}));
