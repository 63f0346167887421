import { useEffect, useRef, useState } from "react";
import { api } from "../api.js";

const SUGGEST_DELAY_MS = 600;
const MIN_LENGTH = 12;

// Asks the server for a category and priority, and for answers that may already solve the problem, once the user
// pauses typing the description; a newer request cancels an older one. The answers' key counts this form once.
export function useSuggestion(title, description) {
  const [suggestion, setSuggestion] = useState(null);
  const [state, setState] = useState("idle"); // idle | loading | ready | unavailable
  const [answers, setAnswers] = useState([]);
  const answersKey = useRef("");
  const titleRef = useRef(title);
  titleRef.current = title;

  useEffect(() => {
    if (description.trim().length < MIN_LENGTH) {
      setState("idle");
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setState("loading");
      api.classify({ title: titleRef.current, description }, controller.signal).then(
        (result) => {
          setSuggestion(result);
          setState("ready");
        },
        (error) => {
          if (error.name !== "AbortError") setState("unavailable");
        },
      );
      api.suggestAnswers({ title: titleRef.current, description, key: answersKey.current }, controller.signal).then(
        (result) => {
          answersKey.current = result.key;
          setAnswers(result.answers);
        },
        () => setAnswers([]), // answers are a help, never in the way: none on any failure
      );
    }, SUGGEST_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [description]);

  return { suggestion, state, answers, answersKey: answersKey.current };
}
