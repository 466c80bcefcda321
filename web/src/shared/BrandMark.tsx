/** The 田 mark: a square split into four cells, like the squared paper children learn to write on. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect x="2" y="2" width="28" height="28" rx="4" fill="#c8102e" />
      <rect x="6" y="6" width="20" height="20" fill="none" stroke="#fff" strokeWidth="2.5" />
      <path d="M16 6v20M6 16h20" stroke="#fff" strokeWidth="2.5" />
    </svg>
  );
}
