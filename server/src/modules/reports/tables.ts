export interface ReportTemplateTable {
  id: string;
  name: string;
  version: number;
  row_kind: 'units' | 'roster';
  /** JSON of the current TemplateInput */
  definition: string;
  created_by: string | null;
  /** the unit that made it and alone may change it (null only if no unit existed when ownership came) */
  owner_org_id: string | null;
  owner_org_path: string | null;
  created_at: string;
  updated_at: string;
}

/** Every version of a template, kept: a generated report points at the version it was made from. */
export interface ReportTemplateVersionTable {
  template_id: string;
  version: number;
  definition: string;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
}

export interface ReportTable {
  id: string;
  template_id: string;
  template_version: number;
  template_name: string;
  org_id: string;
  org_path: string;
  /** 'YYYY-MM' */
  period: string;
  row_count: number;
  column_count: number;
  /** cells filled from data, and cells left to be typed by hand (the burden the template still asks for) */
  filled_cells: number;
  typed_cells: number;
  is_unmasked: number;
  /** base64 of the .xlsx; AES-GCM ciphertext of it when unmasked */
  file: string;
  /** JSON: { header, rows, totals } (masked values only) */
  preview: string;
  task_id: string | null;
  created_by: string | null;
  created_at: string;
}

export interface ReportTables {
  report_templates: ReportTemplateTable;
  report_template_versions: ReportTemplateVersionTable;
  reports: ReportTable;
}
