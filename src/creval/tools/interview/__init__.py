"""`creval ask`: the questions worth asking for one test (interview), a whole case across
tests (case), and the conversation at a terminal (conversation)."""

from creval.tools.interview.interview import Interview, InterviewError, Question, keep_interrupted, save

__all__ = ["Interview", "InterviewError", "Question", "keep_interrupted", "save"]
