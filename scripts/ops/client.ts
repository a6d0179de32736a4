/**
 * The operator CLI's HTTP client: every command talks to the public API with a bearer token,
 * like any other client (OPS_API_URL, OPS_TOKEN or --api-url/--token).
 */

export interface ApiProblem {
  status: number;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    const fields = (problem.errors ?? []).map((error) => `\n  ${error.path}: ${error.message}`).join('');
    super(`${problem.status} ${problem.title ?? 'error'}${problem.detail ? `: ${problem.detail}` : ''}${fields}`);
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
}

export class ApiClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async request(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}`, ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      throw new Error(`cannot reach the API at ${this.baseUrl}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      const text = await response.text();
      let problem: ApiProblem = { status: response.status, title: response.statusText, detail: text.slice(0, 500) };
      try {
        problem = { ...(JSON.parse(text) as ApiProblem), status: response.status };
      } catch {
        // not problem+json: keep the text
      }
      throw new ApiError(problem);
    }
    return response;
  }

  async json<T>(path: string, init: Parameters<ApiClient['request']>[1] = {}): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }
}

/** Query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
