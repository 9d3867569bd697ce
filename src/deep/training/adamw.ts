// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019), which the original
// compiled its models with; tfjs has only Adam. Keras' AdamW decays each variable by
// lr·weight_decay before the Adam step (w ← w − lr·wd·w), independent of the gradient.
import type * as tfjs from "@tensorflow/tfjs";
import type { Tf } from "../tf-backend";

export interface AdamWConfig {
  learningRate: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** The AdamW class of this tfjs instance (registered for (de)serialisation as "AdamW"). */
export function adamWClass(tf: Tf) {
  class AdamW extends tf.AdamOptimizer {
    static override get className() { return "AdamW"; }
    readonly weightDecay: number;

    constructor(c: AdamWConfig) {
      super(c.learningRate, c.beta1 ?? 0.9, c.beta2 ?? 0.999, c.epsilon ?? 1e-7);
      this.weightDecay = c.weightDecay;
    }

    override applyGradients(variableGradients: Parameters<tfjs.AdamOptimizer["applyGradients"]>[0]): void {
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
      const decay = 1 - this.learningRate * this.weightDecay;
      tf.tidy(() => {
        for (const name of names) {
          const v = tf.engine().registeredVariables[name];
          if (v?.trainable) v.assign(tf.mul(v, decay));
        }
      });
      super.applyGradients(variableGradients);
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), weightDecay: this.weightDecay };
    }

    static override fromConfig<T extends tfjs.serialization.Serializable>(cls: tfjs.serialization.SerializableConstructor<T>, config: tfjs.serialization.ConfigDict): T {
      return new (cls as unknown as typeof AdamW)({
        learningRate: config.learningRate as number, weightDecay: config.weightDecay as number,
        beta1: config.beta1 as number, beta2: config.beta2 as number, epsilon: config.epsilon as number,
      }) as unknown as T;
    }
  }
  tf.serialization.registerClass(AdamW);
  return AdamW;
}
