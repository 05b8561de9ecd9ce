/** Whether a message asks for a fact or asks for something to be done. */

const QUESTION = /\?\s*$|^\s*(how|what|whats|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should|may|if)\b/i;
const REQUEST = /\b(i want|i need|i would like|i'd like|please|pls|plz|can you|could you)\b/i;

/** "How long do refunds take?" asks for a fact; "I want my refund" and "can you cancel it?" ask for something to be done. */
export const isQuestion = (text: string) => QUESTION.test(text) && !REQUEST.test(text);
