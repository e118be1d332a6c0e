import type { Db } from '@botpulse/db';
import { type ExportRequest, exportChunks, parseExportRequest } from './export';

export class ExportService {
  constructor(private readonly db: Db) {}

  parse(q: Record<string, unknown>): ExportRequest {
    return parseExportRequest(q);
  }

  stream(req: ExportRequest): AsyncGenerator<string> {
    return exportChunks(this.db, req);
  }
}
