/** The thinking levels a run may ask for (plain data, so the command tree can offer them without loading schemas). */
export const THINKING_LEVELS = ["off", "minimal", "low", "medium", "high", "adaptive", "xhigh", "max"] as const
