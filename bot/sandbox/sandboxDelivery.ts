// The sandbox platform's delivery side. The sandbox's chat log is the bot's own outbox: a message becomes
// visible on the sandbox page when the outbound job marks it sent, exactly as a real platform shows it once
// its API accepts it. Cards keep their id as the platform handle; the page renders their current state.
import type { CardView, ChatDelivery, ChatTarget } from '../../handlers/events';

export const SANDBOX_PLATFORM = 'sandbox';

export class SandboxDelivery implements ChatDelivery {
  readonly platform = SANDBOX_PLATFORM;

  /** The sandbox has no limit of its own; one can be set (SANDBOX_SENDS_PER_MINUTE) to watch the rate limit work. */
  constructor(readonly sendsPerMinutePerChat?: number) {}
  /** Deliveries still to refuse: lets a person (or a test) see how the bot handles a platform outage. */
  private failuresToInject = 0;
  /** When set, only deliveries to this chat are refused. */
  private failingChatId: string | null = null;

  injectFailures(count: number, chatId: string | null = null): void {
    this.failuresToInject = count;
    this.failingChatId = chatId;
  }

  async sendText(target: ChatTarget, _text: string): Promise<void> {
    this.deliver(target);
  }

  async sendCard(target: ChatTarget, card: CardView): Promise<string | null> {
    this.deliver(target);
    return card.id;
  }

  async updateCard(target: ChatTarget, card: CardView, _platformRef: string | null): Promise<string | null> {
    this.deliver(target);
    return card.id;
  }

  private deliver(target: ChatTarget): void {
    if (this.failuresToInject > 0 && (this.failingChatId === null || this.failingChatId === target.chatId)) {
      this.failuresToInject -= 1;
      throw new Error(`sandbox: delivery to ${target.name} refused (injected platform failure)`);
    }
  }
}
