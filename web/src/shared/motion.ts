/** Whether the user asked the system for less motion; animations are then turned off everywhere. */
export const prefersReducedMotion: boolean =
  typeof window !== 'undefined' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
