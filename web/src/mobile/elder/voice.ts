import { useCallback, useEffect, useRef, useState } from 'react';

/** The part of the Web Speech API's recognizer this app uses (lib.dom declares the results only). */
interface Recognizer {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  maxAlternatives: number;
  onresult: ((event: { resultIndex: number; results: SpeechRecognitionResultList }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  start: () => void;
  stop: () => void;
  abort: () => void;
}
type RecognizerClass = new () => Recognizer;

/** The browser's recognizer (Chrome and Safari name it webkitSpeechRecognition), or null where there is none. */
export function speechRecognizerClass(): RecognizerClass | null {
  const w = window as unknown as { SpeechRecognition?: RecognizerClass; webkitSpeechRecognition?: RecognizerClass };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export type VoiceProblem = 'denied' | 'failed';

/** What went wrong, in the words she can act on; a stop she asked for is no problem. */
function problemOf(error: string): VoiceProblem | null {
  if (error === 'aborted') return null;
  if (error === 'not-allowed' || error === 'service-not-allowed') return 'denied';
  return 'failed';
}

export interface SpeechInput {
  /** the browser offers speech recognition: only then is the microphone shown */
  isAvailable: boolean;
  isListening: boolean;
  problem: VoiceProblem | null;
  /** listens for one utterance in `lang` (zh-CN, en-US) and hands its text to `onText` */
  toggle: () => void;
}

/** Speech to text through the browser's recognizer, one utterance per tap. */
export function useSpeechInput(lang: string, onText: (text: string) => void): SpeechInput {
  const [Recognizer] = useState(speechRecognizerClass);
  const [isListening, setListening] = useState(false);
  const [problem, setProblem] = useState<VoiceProblem | null>(null);
  const current = useRef<Recognizer | null>(null);
  const onTextRef = useRef(onText);
  useEffect(() => {
    onTextRef.current = onText;
  });
  useEffect(() => () => current.current?.abort(), []);

  const toggle = useCallback(() => {
    if (current.current !== null) {
      current.current.stop();
      return;
    }
    if (Recognizer === null) return;
    const recognizer = new Recognizer();
    recognizer.lang = lang;
    recognizer.continuous = false;
    recognizer.interimResults = false;
    recognizer.maxAlternatives = 1;
    recognizer.onresult = (event) => {
      let text = '';
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        if (result?.isFinal === true) text += result[0]?.transcript ?? '';
      }
      if (text.trim() !== '') onTextRef.current(text.trim());
    };
    recognizer.onerror = (event) => setProblem(problemOf(event.error));
    recognizer.onend = () => {
      current.current = null;
      setListening(false);
    };
    setProblem(null);
    try {
      recognizer.start();
      current.current = recognizer;
      setListening(true);
    } catch {
      setProblem('failed');
    }
  }, [Recognizer, lang]);

  return { isAvailable: Recognizer !== null, isListening, problem, toggle };
}

/** `text` after what is there: Chinese runs on, other languages get a space between. */
export function appendSpoken(value: string, text: string, lang: string, maxLength?: number): string {
  const joiner = value === '' || /\s$/.test(value) || lang.startsWith('zh') ? '' : ' ';
  const next = `${value}${joiner}${text}`;
  return maxLength === undefined ? next : next.slice(0, maxLength);
}
