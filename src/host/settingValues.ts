/**
 * Reverie's settings, checked against the schema package.json declares for them.
 *
 * VS Code hands back whatever settings.json holds, whatever the schema says: `"reverie.model": 5`
 * or `"reverie.permissions.allow": "Bash(*)"` arrive as they are written. Every read goes through
 * `Settings.get`, which checks the value's type, enum, bounds and list items against the declared
 * schema; a wrong value is reported (once per setting and value, naming the setting and what it
 * should be) and the declared default is used instead. Nothing is thrown and nothing is rewritten:
 * the user's settings file stays as they wrote it.
 *
 * No `vscode` import: src/host/settings.ts supplies the values and the report.
 */

/** The part of a package.json `contributes.configuration` property that values are checked against. */
export interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  items?: { type?: string };
}

/** Declared settings by full key (`reverie.model`). */
export type SettingSchemas = Readonly<Record<string, SettingSchema>>;

const PREVIEW = 60;

/** A value as the user would recognise it in settings.json, cut short. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return (actual === 'number' || actual === 'integer') && Number.isFinite(value as number);
  return actual === type;
}

/** What is wrong with `value` for `schema`, or undefined when it fits. */
export function settingProblem(value: unknown, schema: SettingSchema): string | undefined {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.some((t) => matchesType(value, t))) {
    return `should be ${types.map((t) => (t === 'array' ? 'a list' : t === 'integer' ? 'a whole number' : `a ${t}`)).join(' or ')}, not ${typeOf(value) === 'array' ? 'a list' : `${typeOf(value)} ${preview(value)}`}`;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return `should be one of ${schema.enum.map((v) => preview(v)).join(', ')}, not ${preview(value)}`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `should be at least ${schema.minimum}, not ${value}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `should be at most ${schema.maximum}, not ${value}`;
  }
  if (Array.isArray(value) && schema.items?.type) {
    const bad = value.findIndex((item) => !matchesType(item, schema.items!.type!));
    if (bad !== -1) return `should be a list of ${schema.items.type}s; item ${bad + 1} is ${preview(value[bad])}`;
  }
  return undefined;
}

/** Settings read through their declared schemas; see the file header. */
export class Settings {
  private readonly reported = new Set<string>();

  constructor(
    private readonly schemas: () => SettingSchemas,
    /** The effective value of a full key, `undefined` when nothing is set anywhere. */
    private readonly source: (key: string, scope?: unknown) => unknown,
    /** Told once per setting and wrong value: `reverie.x should be …; using the default …`. */
    private readonly report: (key: string, message: string) => void,
  ) {}

  /**
   * The value of `key`, or its declared default when the value is missing or wrong. `T` is the
   * caller's reading of the declared type, which the check makes true at run time. A key with no
   * declared schema is a bug in Reverie, not in the user's settings: it throws.
   */
  get<T>(key: string, scope?: unknown): T {
    const schema = this.schemas()[key];
    if (!schema) throw new Error(`${key} is not a setting declared in package.json`);
    const value = this.source(key, scope);
    if (value === undefined) return schema.default as T;
    const problem = settingProblem(value, schema);
    if (!problem) return value as T;
    const seen = `${key}\0${preview(value)}`;
    if (!this.reported.has(seen)) {
      this.reported.add(seen);
      this.report(key, `Setting ${key} ${problem}; using the default ${preview(schema.default)} instead.`);
    }
    return schema.default as T;
  }

  /** Checks every declared setting now (at start-up and when settings change), so a wrong value is reported before it is needed. */
  checkAll(prefix = ''): void {
    for (const key of Object.keys(this.schemas())) if (key.startsWith(prefix)) this.get(key);
  }
}
