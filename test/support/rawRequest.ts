// One HTTP request sent byte for byte through node:http: the path exactly as given (fetch would normalise
// some spellings away) and any body and headers, for tests that probe what a hostile client can send.
import http from 'node:http';

export function rawRequest(
  baseUrl: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sent = http.request({ host: hostname, port, method: request.method, path: request.path, headers: request.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, text }));
    });
    sent.on('error', reject);
    sent.end(request.body);
  });
}
