import { boundedName } from '../schema';

/** a row's device index when its source names no device */
export const NO_DEVICE = 0xffff;

/**
 * Device names met while reading (a capture's source MACs and addresses, a flow CSV's
 * `device` cells), each with a stable index that batches carry as a 16-bit number. One
 * list is shared by the readers of a replay, so seeks and loops keep the indices. Names
 * past the 65,535th get NO_DEVICE: their flows are kept, shown without a device.
 */
export class DeviceNames {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  /** the index of a device, added when new; NO_DEVICE for an empty name or once the list is full */
  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i !== undefined) return i;
    if (name === '' || this.names.length >= NO_DEVICE) return NO_DEVICE;
    i = this.names.length;
    // a copy, not a slice: a slice of a file's or a message's text would keep that whole text alive
    const own = (' ' + name).slice(1);
    this.names.push(boundedName(own));
    this.index.set(own, i);
    return i;
  }
}
