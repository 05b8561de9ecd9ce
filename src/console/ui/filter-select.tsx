/** One labelled filter dropdown of the console's list pages; the empty value means "no filter". */
export function FilterSelect(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  options: readonly (string | { value: string; label: string })[];
  /** Text of the empty choice. */
  any?: string;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} aria-label={props.label} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{props.any ?? 'Any'}</option>
        {props.options.map((o) =>
          typeof o === 'string' ? (
            <option key={o}>{o}</option>
          ) : (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ),
        )}
      </select>
    </label>
  );
}
