// One keep-alive connection a test holds open: requests go one after another on it, and each
// answer's body comes back in order. Step 6's tests use it because a connection stays on the
// worker it was given, so its `/__stats` says which worker serves it.

import { connect, type Socket } from 'node:net'
import { request } from './raw-http.ts'

export class KeepAlive {
  private buffer = ''
  private readonly waiting: { resolve: (body: string) => void; reject: (error: Error) => void }[] = []

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1')
    // A connection the server closed answers nothing more: fail what waits, rather than hang.
    socket.on('close', () => {
      for (const { reject } of this.waiting.splice(0)) reject(new Error('the server closed the connection'))
    })
    socket.on('error', () => {})
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      for (;;) {
        const head = this.buffer.indexOf('\r\n\r\n')
        if (head === -1) return
        const length = Number(/content-length: (\d+)/i.exec(this.buffer.slice(0, head))![1])
        if (this.buffer.length < head + 4 + length) return
        const body = this.buffer.slice(head + 4, head + 4 + length)
        this.buffer = this.buffer.slice(head + 4 + length)
        this.waiting.shift()?.resolve(body)
      }
    })
  }

  static open(port: number): Promise<KeepAlive> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new KeepAlive(socket)))
      socket.once('error', reject)
    })
  }

  /** The body of `GET path`, once every earlier answer on this connection is in. */
  get(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('the connection is closed'))
      this.waiting.push({ resolve, reject })
      this.socket.write(request(path))
    })
  }

  /** This connection's `/__stats`, as the test expects it to look. */
  async stats<T>(): Promise<T> {
    return JSON.parse(await this.get('/__stats')) as T
  }

  close(): void {
    this.socket.destroy()
  }
}
