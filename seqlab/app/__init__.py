"""The Streamlit side of seqlab: widget groups, session state and live display shared by the pages."""
